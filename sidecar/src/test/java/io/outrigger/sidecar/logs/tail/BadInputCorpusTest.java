package io.outrigger.sidecar.logs.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One log directory holding every kind of bad input at once, beside a good file. The tailer must
 * not crash or stall, must report each bad path once with its reason, and must deliver every line
 * of the good file (and the good lines after the bad parts of the others). The behaviour asserted
 * here is the table in docs/sidecar-logs.md.
 */
class BadInputCorpusTest {
  @TempDir Path dir;

  @Test
  void badInputIsReportedAndTheOtherFilesLoseNothing() throws Exception {
    List<String> good = IntStream.range(0, 1000).mapToObj(i -> "good-" + i).toList();
    Files.write(dir.resolve("good.log"), good);
    // A 10 MB line: kept up to maxLineBytes, counted, the next line intact.
    try (OutputStream out = Files.newOutputStream(dir.resolve("huge.log"))) {
      byte[] block = new byte[1 << 20];
      java.util.Arrays.fill(block, (byte) 'x');
      for (int i = 0; i < 10; i++) {
        out.write(block);
      }
      out.write("\nafter-huge\n".getBytes(StandardCharsets.UTF_8));
    }
    // Binary garbage (NULs, control bytes, invalid UTF-8, stray newlines), then a good line.
    byte[] garbage = new byte[64 * 1024];
    new Random(42).nextBytes(garbage);
    Files.write(dir.resolve("binary.log"), garbage);
    Files.writeString(dir.resolve("binary.log"), "\nafter-binary\n", StandardOpenOption.APPEND);
    // Invalid UTF-8 between valid text.
    Files.write(
        dir.resolve("latin1.log"),
        new byte[] {
          'c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xF0, (byte) 0x9F, '\n', 'o', 'k', '\n'
        });
    // A symbolic link loop, a dangling link, a directory and a FIFO where files are expected.
    Files.createSymbolicLink(dir.resolve("loop-a.log"), dir.resolve("loop-b.log"));
    Files.createSymbolicLink(dir.resolve("loop-b.log"), dir.resolve("loop-a.log"));
    Files.createSymbolicLink(dir.resolve("dangling.log"), dir.resolve("nowhere/none.log"));
    Files.createDirectory(dir.resolve("directory.log"));
    Path fifo = dir.resolve("fifo.log");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor())
        .isZero();
    // Unreadable: mode 000. Root reads it anyway (CAP_DAC_OVERRIDE), which is what a sidecar
    // running as root would do too; the FIFO and the directory are the unreadable cases root has.
    Path secret = dir.resolve("secret.log");
    Files.writeString(secret, "secret-line\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    boolean root = "root".equals(System.getProperty("user.name"));
    // A file that is truncated while being read.
    Path shrinking = dir.resolve("shrinking.log");
    Files.write(shrinking, IntStream.range(0, 20_000).mapToObj(i -> "old-" + i).toList());

    try (TailerHarness h =
        TailerHarness.start(
            dir,
            List.of("*.log", "missing-dir/*.log", "*.nothing-matches"),
            io.outrigger.config.ReadFrom.BEGINNING,
            null,
            1000,
            65_536)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> h.counts.containsKey("old-0"));
      try (FileChannel c = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
        c.truncate(0);
      }
      Files.write(shrinking, List.of("new-0", "new-1"), StandardOpenOption.APPEND);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.counts.keySet().containsAll(good)
                      && h.counts.containsKey("after-huge")
                      && h.counts.containsKey("after-binary")
                      && h.counts.containsKey("ok")
                      && h.counts.containsKey("new-1"));
      // Still alive and reading after all of it.
      Files.write(dir.resolve("good.log"), List.of("good-late"), StandardOpenOption.APPEND);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.counts.containsKey("good-late"));

      assertThat(good).allMatch(line -> h.counts.get(line).get() == 1);
      assertThat(h.bodies).contains("caf\uFFFD", "\uFFFD", "new-0");
      assertThat(
              h.bodies.stream()
                  .filter(b -> b.length() == 65_536 && b.chars().allMatch(c -> c == 'x')))
          .as("the 10 MB line, cut at maxLineBytes")
          .hasSize(1);
      assertThat(h.counter("outrigger.log.lines.truncated")).isGreaterThanOrEqualTo(1);
      assertThat(h.counter("outrigger.log.lines.invalid.utf8")).isGreaterThanOrEqualTo(3);
      assertThat(h.problems("symlink-loop")).as("loop reported once per link").isEqualTo(2);
      assertThat(h.problems("dangling-symlink")).isEqualTo(1);
      assertThat(h.problems("not-a-regular-file")).as("the directory and the FIFO").isEqualTo(2);
      if (root) {
        assertThat(h.counts).containsKey("secret-line");
      } else {
        assertThat(h.problems("unreadable")).isEqualTo(1);
        assertThat(h.counts).doesNotContainKey("secret-line");
      }
      assertThat(h.tailer.lastError()).isNull();
    }
  }
}
