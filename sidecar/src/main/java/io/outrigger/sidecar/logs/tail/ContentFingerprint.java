package io.outrigger.sidecar.logs.tail;

import java.util.Arrays;

/**
 * What the tailer knows of one file's content: its first bytes ({@code head}, up to {@link
 * FilePrefix#LENGTH}) and the last bytes it read before {@code end} ({@code tail}, up to {@link
 * #TAIL_LENGTH}). A file <em>holds</em> that content when it is at least {@code end} long and has
 * the same bytes at both places.
 *
 * <p>Why both: many apps begin every line with the same fixed fields, so the first 256 bytes of
 * every generation of {@code app.log} can be alike and the head alone cannot tell them apart. The
 * bytes just before where reading stopped hold the latest line (its time, its ids): a file that was
 * truncated and written again, or overwritten in place, has other bytes there, and a copy of the
 * content has the same ones.
 */
record ContentFingerprint(byte[] head, long end, byte[] tail) {
  static final int TAIL_LENGTH = 128;

  static final ContentFingerprint NONE = new ContentFingerprint(new byte[0], 0, new byte[0]);

  /** Whether {@code file} holds this content: same head, at least {@code end} bytes, same tail. */
  boolean heldBy(FileBytes file) {
    if (file.size() < end) {
      return false;
    }
    if (head.length > 0 && !Arrays.equals(head, file.read(0, head.length))) {
      return false;
    }
    return tail.length == 0 || Arrays.equals(tail, file.read(end - tail.length, tail.length));
  }

  /** Whether there is anything to compare: a fingerprint of nothing read is held by any file. */
  boolean isEmpty() {
    return end == 0 && head.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentFingerprint f
        && end == f.end
        && Arrays.equals(head, f.head)
        && Arrays.equals(tail, f.tail);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(end) * 31 + Arrays.hashCode(tail);
  }

  @Override
  public String toString() {
    return "ContentFingerprint[head=" + head.length + " bytes, end=" + end + "]";
  }
}
