package io.outrigger.sidecar.logs.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.logs.tail.RotationRules.Change;
import io.outrigger.sidecar.logs.tail.RotationRules.Resume;
import io.outrigger.sidecar.logs.tail.RotationRules.Saved;
import io.outrigger.sidecar.logs.tail.RotationRules.Seen;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The identity rules case by case, on contents in memory. Lines begin with 300 bytes of fixed
 * fields, so every content shares its first 256 bytes with every other: what tells them apart is
 * what {@link ContentFingerprint} keeps beyond the head.
 */
class RotationRulesTest {
  private static final String FIXED = "x".repeat(300);

  /** Lines {@code from} to {@code to - 1}, each with its number last. */
  private static byte[] lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      text.append("{\"fixed\":\"").append(FIXED).append("\",\"id\":").append(i).append("}\n");
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** What the tailer knows after reading {@code content} up to {@code end}. */
  private static ContentFingerprint readUpTo(byte[] content, long end) {
    FileBytes bytes = FileBytes.of(content);
    int tail = (int) Math.min(end, ContentFingerprint.TAIL_LENGTH);
    return new ContentFingerprint(
        bytes.read(0, (int) Math.min(end, FilePrefix.LENGTH)), end, bytes.read(end - tail, tail));
  }

  private static long lineEnd(byte[] content, int lines) {
    int seen = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("fewer lines");
  }

  // --- copyInProgress: a file that may be a copy of a tailed file, half written ---

  @Test
  void anEmptyFileMayBeACopyAboutToBeWritten() {
    byte[] live = lines(0, 10);
    assertThat(
            RotationRules.copyInProgress(
                live.length, FileBytes.of(live), FileBytes.of(new byte[0])))
        .isTrue();
  }

  @Test
  void theFirstChunksOfACopyMayBeACopyInProgress() {
    byte[] live = lines(0, 100);
    for (int written : new int[] {1, 100, 256, 300, 4096, live.length - 1}) {
      assertThat(
              RotationRules.copyInProgress(
                  live.length, FileBytes.of(live), FileBytes.of(Arrays.copyOf(live, written))))
          .as("%d bytes of %d written", written, live.length)
          .isTrue();
    }
  }

  @Test
  void aWholeCopyIsNotInProgress() {
    byte[] live = lines(0, 10);
    assertThat(RotationRules.copyInProgress(live.length, FileBytes.of(live), FileBytes.of(live)))
        .as("complete: the fingerprint tells whether it holds the content")
        .isFalse();
  }

  @Test
  void aNewGenerationThatStartsAlikeIsNotACopy() {
    byte[] live = lines(0, 100);
    byte[] next = lines(100, 103); // the same first 256 bytes, other ids
    assertThat(Arrays.equals(live, 0, 256, next, 0, 256)).isTrue();
    assertThat(RotationRules.copyInProgress(live.length, FileBytes.of(live), FileBytes.of(next)))
        .isFalse();
  }

  @Test
  void aFileLongerThanWhatWasReadIsNotACopyInProgress() {
    byte[] live = lines(0, 100);
    byte[] half = Arrays.copyOf(live, live.length / 2);
    assertThat(
            RotationRules.copyInProgress(live.length / 4, FileBytes.of(live), FileBytes.of(half)))
        .as("it holds more than was read: the fingerprint decides")
        .isFalse();
  }

  // --- change: what happened to a file being tailed ---

  @Test
  void linesAppendedAfterWhatWasReadAreGrowth() {
    byte[] before = lines(0, 10);
    ContentFingerprint known = readUpTo(before, before.length);
    assertThat(RotationRules.change(known, FileBytes.of(concat(before, lines(10, 12)))))
        .isEqualTo(Change.GREW);
  }

  @Test
  void nothingAppendedIsUnchanged() {
    byte[] content = lines(0, 10);
    assertThat(RotationRules.change(readUpTo(content, content.length), FileBytes.of(content)))
        .isEqualTo(Change.UNCHANGED);
  }

  @Test
  void truncatedToEmptyIsReplaced() {
    byte[] content = lines(0, 10);
    assertThat(RotationRules.change(readUpTo(content, content.length), FileBytes.of(new byte[0])))
        .isEqualTo(Change.REPLACED);
  }

  @Test
  void truncatedAndWrittenPastTheOldOffsetWithTheSameHeadIsReplaced() {
    byte[] old = lines(0, 10);
    byte[] regrown = lines(100, 130); // longer than what was read, same first 256 bytes
    ContentFingerprint known = readUpTo(old, old.length);
    assertThat(Arrays.equals(old, 0, 256, regrown, 0, 256)).isTrue();
    assertThat(RotationRules.change(known, FileBytes.of(regrown))).isEqualTo(Change.REPLACED);
  }

  @Test
  void overwrittenInPlaceWithLongerContentIsReplaced() {
    byte[] older = lines(0, 10);
    byte[] newer = lines(10, 40);
    assertThat(RotationRules.change(readUpTo(older, older.length), FileBytes.of(newer)))
        .isEqualTo(Change.REPLACED);
  }

  @Test
  void aFileReadOnlyPartlyStillGrowsWhenItsLaterBytesChangeNothingBeforeTheReadPosition() {
    byte[] content = concat(lines(0, 10), lines(10, 20));
    ContentFingerprint known = readUpTo(content, lineEnd(content, 5));
    assertThat(RotationRules.change(known, FileBytes.of(content))).isEqualTo(Change.GREW);
  }

  // --- continues: which detached content a new file is the copy of ---

  @Test
  void theCopyOfDetachedContentContinuesIt() {
    byte[] generation = lines(0, 20);
    ContentFingerprint detached = readUpTo(generation, lineEnd(generation, 12));
    assertThat(RotationRules.continues(List.of(detached), FileBytes.of(generation.clone())))
        .contains(0);
  }

  @Test
  void aCopyOfOtherContentWithTheSameHeadContinuesNothing() {
    byte[] generation = lines(0, 20);
    byte[] older = lines(500, 530);
    ContentFingerprint detached = readUpTo(generation, lineEnd(generation, 12));
    assertThat(RotationRules.continues(List.of(detached), FileBytes.of(older))).isEmpty();
  }

  @Test
  void aFileShorterThanWhereReadingStoppedContinuesNothing() {
    byte[] generation = lines(0, 20);
    ContentFingerprint detached = readUpTo(generation, generation.length);
    byte[] shorter = Arrays.copyOf(generation, generation.length - 10);
    assertThat(RotationRules.continues(List.of(detached), FileBytes.of(shorter))).isEmpty();
  }

  @Test
  void contentOfWhichNothingWasReadIsContinuedByNoFile() {
    assertThat(RotationRules.continues(List.of(ContentFingerprint.NONE), FileBytes.of(lines(0, 5))))
        .isEmpty();
  }

  @Test
  void ofTwoDetachedContentsTheCopyContinuesTheOneItHolds() {
    byte[] first = lines(0, 20);
    byte[] second = lines(20, 40);
    List<ContentFingerprint> detached =
        List.of(readUpTo(first, first.length), readUpTo(second, lineEnd(second, 3)));
    assertThat(RotationRules.continues(detached, FileBytes.of(second))).contains(1);
  }

  // --- resume: where each file found at start continues the checkpoint ---

  private static Saved saved(String inode, byte[] content, long readTo, long acknowledged) {
    return new Saved(inode, readUpTo(content, readTo), acknowledged);
  }

  @Test
  void aFileWithItsContentResumesAtTheAcknowledgedOffset() {
    byte[] content = lines(0, 30);
    long read = lineEnd(content, 20);
    long acked = lineEnd(content, 15);
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(saved("i1", content, read, acked)),
            List.of(new Seen("i1", FileBytes.of(content))));
    assertThat(plan).containsExactly(Optional.of(new Resume(0, acked, true)));
  }

  @Test
  void renamedWhileDownTheFileIsFollowedByItsInode() {
    byte[] content = lines(0, 30);
    long acked = lineEnd(content, 15);
    // app.log became app.log.1 (same inode), a new app.log was created: both are seen.
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(saved("i1", content, acked, acked)),
            List.of(
                new Seen("i2", FileBytes.of(lines(30, 35))),
                new Seen("i1", FileBytes.of(content))));
    assertThat(plan).containsExactly(Optional.empty(), Optional.of(new Resume(0, acked, true)));
  }

  @Test
  void truncatedWhileDownTheCopyResumesAndTheFileIsNewWhicheverIsSeenFirst() {
    byte[] generation = lines(0, 30);
    long acked = lineEnd(generation, 20);
    Saved entry = saved("x", generation, acked, acked);
    Seen truncated = new Seen("x", FileBytes.of(lines(30, 80))); // regrown past the offset
    Seen copy = new Seen("z", FileBytes.of(generation));
    assertThat(RotationRules.resume(List.of(entry), List.of(truncated, copy)))
        .containsExactly(Optional.empty(), Optional.of(new Resume(0, acked, false)));
    assertThat(RotationRules.resume(List.of(entry), List.of(copy, truncated)))
        .containsExactly(Optional.of(new Resume(0, acked, false)), Optional.empty());
  }

  @Test
  void anInodeHoldingOtherContentWithTheSameHeadIsNotResumed() {
    byte[] generation = lines(0, 30);
    long acked = lineEnd(generation, 20);
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(saved("x", generation, acked, acked)),
            List.of(new Seen("x", FileBytes.of(lines(1000, 1100)))));
    assertThat(plan).containsExactly(Optional.empty());
  }

  @Test
  void anOffsetThatIsNotALineStartInTheFileIsNotResumed() {
    byte[] content = lines(0, 30);
    long read = lineEnd(content, 25);
    long acked = lineEnd(content, 10);
    // Same head and same bytes before the read offset, but the middle was rewritten: the
    // acknowledged offset no longer follows a newline, and resuming there would cut a line.
    byte[] rewritten = content.clone();
    rewritten[(int) acked - 1] = 'X';
    Saved entry = saved("x", content, read, acked);
    assertThat(
            RotationRules.resume(List.of(entry), List.of(new Seen("x", FileBytes.of(rewritten)))))
        .containsExactly(Optional.empty());
  }

  @Test
  void detachedContentResumesInItsCopy() {
    byte[] generation = lines(0, 30);
    long read = lineEnd(generation, 25);
    long acked = lineEnd(generation, 10);
    Saved detached = saved(null, generation, read, acked);
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(detached),
            List.of(
                new Seen("x", FileBytes.of(lines(30, 40))),
                new Seen("z", FileBytes.of(generation))));
    assertThat(plan).containsExactly(Optional.empty(), Optional.of(new Resume(0, acked, false)));
  }

  @Test
  void contentThatIsGoneResumesNowhere() {
    byte[] generation = lines(0, 30);
    long acked = lineEnd(generation, 20);
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(saved(null, generation, acked, acked)),
            List.of(new Seen("x", FileBytes.of(lines(30, 40)))));
    assertThat(plan).containsExactly(Optional.empty());
  }

  @Test
  void eachFileContinuesOneEntryAndEachEntryOneFile() {
    byte[] generation = lines(0, 30);
    long acked = lineEnd(generation, 20);
    // Two copies of the same content and two entries of it (the same content checkpointed twice).
    List<Optional<Resume>> plan =
        RotationRules.resume(
            List.of(saved(null, generation, acked, acked), saved(null, generation, acked, acked)),
            List.of(
                new Seen("z1", FileBytes.of(generation)),
                new Seen("z2", FileBytes.of(generation))));
    assertThat(plan)
        .containsExactly(
            Optional.of(new Resume(0, acked, false)), Optional.of(new Resume(1, acked, false)));
  }

  @Test
  void anEntryOfAnOlderCheckpointWithoutTailResumesOnItsHeadAndALineStart() {
    byte[] content = lines(0, 30);
    long acked = lineEnd(content, 20);
    Saved old =
        new Saved(
            "i1", new ContentFingerprint(Arrays.copyOf(content, 256), acked, new byte[0]), acked);
    assertThat(RotationRules.resume(List.of(old), List.of(new Seen("i1", FileBytes.of(content)))))
        .containsExactly(Optional.of(new Resume(0, acked, true)));
  }
}
