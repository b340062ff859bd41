package io.outrigger.sidecar.logs.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.config.ReadFrom;
import io.outrigger.config.SidecarConfig.MultilineConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tailer on real files in a temporary directory: rotation both ways under a writer, restart
 * from the checkpoint, read-from-end, the line cap, invalid UTF-8, backpressure, multiline.
 */
class LogTailerTest {
  @TempDir Path dir;

  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  private static void append(Path file, List<String> lines) throws IOException {
    Files.write(
        file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void picksUpNewFilesAndAppendedLines() throws Exception {
    append(dir.resolve("a.log"), ids("a-", 0, 100));
    try (TailerHarness h = TailerHarness.start(dir, List.of("*.log"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 100);
      append(dir.resolve("b.log"), ids("b-", 0, 50));
      append(dir.resolve("a.log"), ids("a-", 100, 150));
      Files.writeString(dir.resolve("ignored.txt"), "not matched\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 200);
      assertThat(h.bodies).containsAll(ids("a-", 0, 150)).containsAll(ids("b-", 0, 50));
      assertThat(h.duplicates()).isEmpty();
      assertThat(h.counter("outrigger.log.lines.read")).isEqualTo(200);
    }
  }

  /** logrotate's default (create): rename, then a new file under the old name. */
  @Test
  void renameRotationUnderASteadyWriterLosesAndRepeatsNothing() throws Exception {
    Path log = dir.resolve("app.log");
    try (TailerHarness h = TailerHarness.start(dir, List.of("app.log"))) {
      int total =
          writeWithRotations(
              log,
              6,
              1000,
              () -> Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.REPLACE_EXISTING));
      waitFor(() -> h.bodies.size() >= total, Duration.ofSeconds(20));
      HarnessAsserts.exactlyOnce(h, "line-", total);
    }
  }

  /**
   * copytruncate: the copy is matched too, so what was not read before the truncation is read from
   * it.
   */
  @Test
  void copyTruncateUnderASteadyWriterLosesAndRepeatsNothing() throws Exception {
    Path log = dir.resolve("app.log");
    try (TailerHarness h = TailerHarness.start(dir, List.of("app.log*"))) {
      int total =
          writeWithRotations(
              log,
              6,
              1000,
              () -> {
                Files.copy(log, shiftRotated());
                try (FileChannel c = FileChannel.open(log, StandardOpenOption.WRITE)) {
                  c.truncate(0);
                }
              });
      waitFor(() -> h.bodies.size() >= total, Duration.ofSeconds(20));
      HarnessAsserts.exactlyOnce(h, "line-", total);
    }
  }

  /** Waits without failing: the assertions after it say what is wrong. */
  static void waitFor(java.util.function.BooleanSupplier condition, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      TailerHarness.sleep(50);
    }
    TailerHarness.sleep(300);
  }

  /** Like logrotate: app.log.N becomes app.log.N+1, ...; returns the free name app.log.1. */
  private Path shiftRotated() throws IOException {
    for (int i = 9; i >= 1; i--) {
      Path from = dir.resolve("app.log." + i);
      if (Files.exists(from)) {
        Files.move(from, dir.resolve("app.log." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir.resolve("app.log.1");
  }

  interface Rotation {
    void run() throws IOException;
  }

  /** Writes rounds of lines through an appending stream (like an app), rotating between rounds. */
  private int writeWithRotations(Path log, int rounds, int perRound, Rotation rotate)
      throws Exception {
    int n = 0;
    OutputStream out =
        Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < perRound; i++) {
        out.write(("line-" + n++ + "\n").getBytes(StandardCharsets.UTF_8));
        if (i % 10 == 0) {
          out.flush();
          Thread.sleep(5); // a steady writer: about 2000 lines per second
        }
      }
      out.flush();
      rotate.run();
      if (Files.exists(log)) {
        continue; // copytruncate: the app keeps its file open (O_APPEND writes land at the new end)
      }
      out.close();
      out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    out.close();
    return n;
  }

  /** Lines whose first 300 bytes are the same: every generation of the file starts alike. */
  private static List<String> alike(int from, int to) {
    String fixed = "{\"logger\":\"" + "o".repeat(280) + "\",";
    return IntStream.range(from, to).mapToObj(i -> fixed + "\"id\":" + i + "}").toList();
  }

  private static void copyInPlace(Path from, Path to) throws IOException {
    // Same inode: the older copy is overwritten, as `cp app.log app.log.1` does.
    try (FileChannel out =
        FileChannel.open(
            to,
            StandardOpenOption.WRITE,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(java.nio.ByteBuffer.wrap(Files.readAllBytes(from)));
    }
  }

  private static void truncate(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(0);
    }
  }

  /**
   * copytruncate while the sidecar is down, the file written again past the old offset, every
   * generation starting with the same bytes, the copy not matched by the pattern: the inode holds
   * other content, so the file is read from 0 and the checkpoint continues in the copy beside it.
   */
  @Test
  void restartAfterCopytruncateWhileDownWithFilesThatStartAlike() throws Exception {
    Path log = dir.resolve("app.log");
    append(log, alike(0, 500));
    TailerHarness first = TailerHarness.start(dir, List.of("app.log"));
    await().atMost(Duration.ofSeconds(10)).until(() -> first.bodies.size() == 500);
    first.stopGracefully();
    append(log, alike(500, 600));
    Files.copy(log, dir.resolve("app.log.1"));
    truncate(log);
    append(log, alike(600, 1500));
    try (TailerHarness second = TailerHarness.start(dir, List.of("app.log"))) {
      waitFor(() -> second.bodies.size() >= 1000, Duration.ofSeconds(10));
      TailerHarness.sleep(1000);
      assertThat(second.bodies).containsExactlyInAnyOrderElementsOf(alike(500, 1500));
    }
  }

  /** copytruncate with the pattern app.log: the copy is found beside the file. */
  @Test
  void copyTruncateWithTheCopyNotMatchedLosesNothing() throws Exception {
    Path log = dir.resolve("app.log");
    try (TailerHarness h = TailerHarness.startPaused(dir, List.of("app.log"), 100)) {
      append(log, ids("line-", 0, 20_000));
      TailerHarness.sleep(800); // the tailer is behind: the buffer is full
      Files.copy(log, dir.resolve("app.log.1"));
      truncate(log);
      append(log, ids("line-", 20_000, 20_100));
      h.consuming = true;
      waitFor(() -> h.bodies.size() >= 20_100, Duration.ofSeconds(20));
      HarnessAsserts.exactlyOnce(h, "line-", 20_100);
    }
  }

  /**
   * A rotation that copies over an older copy in place (same inode), then truncates: the older
   * copy's new content continues the truncated file's content, no line is cut.
   */
  @Test
  void aCopyOverwrittenInPlaceContinuesTheContentItNowHolds() throws Exception {
    Path log = dir.resolve("app.log");
    Path copy = dir.resolve("app.log.1");
    try (TailerHarness h = TailerHarness.startPaused(dir, List.of("app.log*"), 100)) {
      h.consuming = true;
      append(log, alike(0, 300));
      waitFor(() -> h.bodies.size() >= 300, Duration.ofSeconds(10));
      copyInPlace(log, copy);
      truncate(log);
      append(log, alike(300, 1300));
      waitFor(() -> h.bodies.size() >= 400, Duration.ofSeconds(10));
      h.consuming = false;
      TailerHarness.sleep(800); // behind again
      copyInPlace(log, copy);
      truncate(log);
      append(log, alike(1300, 1400));
      h.consuming = true;
      waitFor(() -> h.bodies.size() >= 1400, Duration.ofSeconds(15));
      assertThat(h.bodies)
          .as("records that are not a whole line")
          .allMatch(b -> b.startsWith("{\"logger\""));
      assertThat(h.counts.keySet()).containsAll(alike(0, 1400));
      assertThat(h.duplicates()).isEmpty();
    }
  }

  /**
   * copytruncate's copy is created empty and filled afterwards. Seen empty (or half written) by a
   * scan, it is not new content read from 0: it is the copy in progress of the file being tailed.
   */
  @Test
  void aCopySeenBeforeItIsWrittenIsNotReadAgain() throws Exception {
    Path log = dir.resolve("app.log");
    Path copy = dir.resolve("app.log.1");
    try (TailerHarness h = TailerHarness.start(dir, List.of("app.log*"))) {
      append(log, alike(0, 300));
      waitFor(() -> h.bodies.size() >= 300, Duration.ofSeconds(10));
      byte[] content = Files.readAllBytes(log);
      try (FileChannel out =
          FileChannel.open(copy, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        TailerHarness.sleep(600); // scanned while empty
        out.write(java.nio.ByteBuffer.wrap(content, 0, content.length / 2));
        TailerHarness.sleep(600); // scanned while half written
        out.write(
            java.nio.ByteBuffer.wrap(
                content, content.length / 2, content.length - content.length / 2));
      }
      truncate(log);
      append(log, alike(300, 400));
      waitFor(() -> h.bodies.size() >= 400, Duration.ofSeconds(10));
      TailerHarness.sleep(2000); // the copy's wait is over: anything read twice would be here
      assertThat(h.counts.keySet()).containsAll(alike(0, 400));
      assertThat(h.duplicates()).isEmpty();
    }
  }

  /** While the buffer is full the tailer still scans: a file that lives briefly is not missed. */
  @Test
  void rotationsAreSeenWhileTheBufferIsFull() throws Exception {
    Path log = dir.resolve("app.log");
    try (TailerHarness h = TailerHarness.startPaused(dir, List.of("app.log*"), 100)) {
      append(log, ids("line-", 0, 500));
      TailerHarness.sleep(800);
      Files.move(log, dir.resolve("app.log.1"));
      append(log, ids("line-", 500, 700));
      TailerHarness.sleep(800); // scanned while waiting for room: the new file is open
      Files.move(log, dir.resolve("app.log.2"));
      Files.delete(dir.resolve("app.log.2")); // rotated out of the count before it was read
      h.consuming = true;
      waitFor(() -> h.bodies.size() >= 700, Duration.ofSeconds(15));
      HarnessAsserts.exactlyOnce(h, "line-", 700);
    }
  }

  @Test
  void compressedCopiesAreNotTailed() throws Exception {
    append(dir.resolve("app.log"), ids("line-", 0, 10));
    try (var gz =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("app.log.1.gz")))) {
      gz.write(String.join("\n", ids("old-", 0, 100)).getBytes(StandardCharsets.UTF_8));
    }
    try (TailerHarness h = TailerHarness.start(dir, List.of("app.log*"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 10);
      await().atMost(Duration.ofSeconds(5)).until(() -> h.problems("compressed") == 1);
      TailerHarness.sleep(600);
      assertThat(h.bodies).containsExactlyElementsOf(ids("line-", 0, 10));
    }
  }

  @Test
  void restartResumesExactlyFromTheCheckpoint() throws Exception {
    Path log = dir.resolve("app.log");
    append(log, ids("line-", 0, 500));
    TailerHarness first = TailerHarness.start(dir, List.of("*.log"));
    await().atMost(Duration.ofSeconds(10)).until(() -> first.bodies.size() == 500);
    first.stopGracefully();
    append(log, ids("line-", 500, 800));
    try (TailerHarness second = TailerHarness.start(dir, List.of("*.log"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> second.bodies.size() >= 300);
      TailerHarness.sleep(1500);
      assertThat(second.bodies).containsExactlyElementsOf(ids("line-", 500, 800));
    }
  }

  @Test
  void anUnreadableCheckpointIsSetAsideAndEveryFileIsReadFromItsBeginning() throws Exception {
    append(dir.resolve("app.log"), ids("line-", 0, 20));
    Path checkpoint = dir.resolve(".outrigger/checkpoints.json");
    Files.createDirectories(checkpoint.getParent());
    Files.writeString(checkpoint, "{\"version\":1,\"files\":[{\"path\":");
    try (TailerHarness h =
        TailerHarness.start(dir, List.of("*.log"), ReadFrom.END, null, 1000, 65_536)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 20);
      assertThat(h.tailer.lastError()).contains("not valid");
      assertThat(dir.resolve(".outrigger/checkpoints.json.unreadable")).exists();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(checkpoint).contains("\"offset\""));
    }
  }

  @Test
  void restartFindsContentThatWasRotatedWhileItWasDown() throws Exception {
    Path log = dir.resolve("app.log");
    append(log, ids("line-", 0, 300));
    TailerHarness first = TailerHarness.start(dir, List.of("app.log*"));
    await().atMost(Duration.ofSeconds(10)).until(() -> first.bodies.size() == 300);
    first.stopGracefully();
    append(log, ids("line-", 300, 400));
    Files.move(log, dir.resolve("app.log.1"));
    append(log, ids("line-", 400, 450));
    try (TailerHarness second = TailerHarness.start(dir, List.of("app.log*"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> second.bodies.size() >= 150);
      TailerHarness.sleep(1500);
      assertThat(second.bodies).containsExactlyInAnyOrderElementsOf(ids("line-", 300, 450));
    }
  }

  @Test
  void readFromEndSkipsWhatIsThereAtStartButNotFilesCreatedLater() throws Exception {
    append(dir.resolve("old.log"), ids("old-", 0, 100));
    try (TailerHarness h =
        TailerHarness.start(dir, List.of("*.log"), ReadFrom.END, null, 1000, 65_536)) {
      TailerHarness.sleep(1200);
      append(dir.resolve("old.log"), List.of("old-new"));
      append(dir.resolve("new.log"), List.of("new-0", "new-1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 3);
      assertThat(h.bodies).containsExactlyInAnyOrder("old-new", "new-0", "new-1");
    }
  }

  @Test
  void aDirectoryLinkBackToItsParentIsNotFollowedForever() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("app/sub"));
    Files.createSymbolicLink(sub.resolve("up"), dir.resolve("app"));
    append(sub.resolve("a.log"), ids("a-", 0, 10));
    try (TailerHarness h = TailerHarness.start(dir, List.of("app/**/*.log"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 10);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.problems("symlink-loop") == 1);
      TailerHarness.sleep(600);
      assertThat(h.duplicates()).as("the file seen through the link is the same inode").isEmpty();
      assertThat(h.tailer.watchedFiles()).isEqualTo(1);
    }
  }

  @Test
  void deletedFileIsFinishedThenReleased() throws Exception {
    Path log = dir.resolve("gone.log");
    append(log, ids("g-", 0, 100));
    Files.writeString(log, "last line without newline", StandardOpenOption.APPEND);
    try (TailerHarness h = TailerHarness.start(dir, List.of("*.log"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 100);
      Files.delete(log);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.tailer.watchedFiles() == 0);
      assertThat(h.bodies).hasSize(101).endsWith("last line without newline");
    }
  }

  @Test
  void longLinesAreCappedAndCountedAndTheNextLineIsIntact() throws Exception {
    String longLine = "x".repeat(10_000) + "é".repeat(1000);
    append(dir.resolve("a.log"), List.of("before", longLine, "after"));
    try (TailerHarness h =
        TailerHarness.start(dir, List.of("*.log"), ReadFrom.BEGINNING, null, 1000, 10_001)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 3);
      assertThat(h.bodies.get(1)).hasSize(10_000).doesNotContain("\uFFFD");
      assertThat(h.bodies).startsWith("before").endsWith("after");
      assertThat(h.counter("outrigger.log.lines.truncated")).isEqualTo(1);
      assertThat(h.counter("outrigger.log.lines.invalid.utf8")).isZero();
    }
  }

  @Test
  void invalidUtf8IsReplacedAndCounted() throws Exception {
    byte[] bad = {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF, '\n'};
    Files.write(dir.resolve("a.log"), bad);
    append(dir.resolve("a.log"), List.of("grüß"));
    try (TailerHarness h = TailerHarness.start(dir, List.of("*.log"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 2);
      assertThat(h.bodies).containsExactly("ok \uFFFD( \uFFFD", "grüß");
      assertThat(h.counter("outrigger.log.lines.invalid.utf8")).isEqualTo(1);
    }
  }

  @Test
  void fullBufferPausesReadingAndNothingIsDropped() throws Exception {
    append(dir.resolve("a.log"), ids("l-", 0, 5000));
    try (TailerHarness h =
        new TailerHarness(dir, List.of("*.log"), ReadFrom.BEGINNING, null, 100, 65_536)) {
      h.consuming = false;
      h.tailer.start();
      TailerHarness.sleep(1000);
      assertThat(h.buffer.size()).isEqualTo(100);
      assertThat(h.counter("outrigger.log.lines.read"))
          .as("read stops within a chunk of the full buffer")
          .isLessThan(5000);
      h.consuming = true;
      startConsumer(h);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 5000);
      assertThat(h.bodies).containsExactlyElementsOf(ids("l-", 0, 5000));
    }
  }

  private static void startConsumer(TailerHarness h) throws Exception {
    var m = TailerHarness.class.getDeclaredField("consumer");
    m.setAccessible(true);
    ((Thread) m.get(h)).start();
  }

  @Test
  void multilineJoinsStackTracesAcrossReads() throws Exception {
    Path log = dir.resolve("a.log");
    append(
        log,
        List.of("2024 ERROR boom", "java.lang.RuntimeException: boom", "\tat x.Y.z(Y.java:1)"));
    MultilineConfig join = new MultilineConfig("^\\d{4} ", null, Duration.ofMillis(300), 100);
    try (TailerHarness h =
        TailerHarness.start(dir, List.of("*.log"), ReadFrom.BEGINNING, join, 1000, 65_536)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 1);
      append(log, List.of("2024 INFO next"));
      await().atMost(Duration.ofSeconds(10)).until(() -> h.bodies.size() == 2);
      assertThat(h.bodies)
          .containsExactly(
              "2024 ERROR boom\njava.lang.RuntimeException: boom\n\tat x.Y.z(Y.java:1)",
              "2024 INFO next");
    }
  }

  static final class HarnessAsserts {
    static void exactlyOnce(TailerHarness h, String prefix, int total) {
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        if (!h.counts.containsKey(prefix + i)) {
          missing.add(prefix + i);
        }
      }
      assertThat(missing).as("lost lines (of " + total + ")").hasSizeLessThan(1).isEmpty();
      assertThat(h.duplicates()).as("duplicated lines").isEmpty();
      assertThat(h.bodies).hasSize(total);
    }
  }
}
