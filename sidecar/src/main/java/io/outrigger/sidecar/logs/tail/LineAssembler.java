package io.outrigger.sidecar.logs.tail;

import java.nio.ByteBuffer;

/**
 * Cuts the bytes of one file into lines as they are read, keeping at most {@code maxLineBytes} of a
 * line: the rest of a longer line is skipped up to its newline and the line is marked truncated.
 * One reusable array per file, so reading allocates nothing per line. Not thread-safe.
 */
final class LineAssembler {

  /** Receives each complete line; {@code bytes} is only valid during the call. */
  interface LineSink {
    void line(byte[] bytes, int length, boolean truncated, long endOffset);
  }

  private final int maxLineBytes;
  private byte[] line;
  private int length;
  private boolean truncated;
  private long lineStart;

  LineAssembler(int maxLineBytes, long startOffset) {
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[Math.min(maxLineBytes, 4096)];
    this.lineStart = startOffset;
  }

  /** The file offset where the line being assembled began (a line boundary). */
  long lineStart() {
    return lineStart;
  }

  boolean hasPartialLine() {
    return length > 0 || truncated;
  }

  /**
   * Feeds {@code chunk} (position to limit), whose first byte is at file offset {@code
   * chunkOffset}.
   */
  void feed(ByteBuffer chunk, long chunkOffset, LineSink sink) {
    byte[] array = chunk.array();
    int start = chunk.arrayOffset() + chunk.position();
    int end = chunk.arrayOffset() + chunk.limit();
    int from = start;
    for (int i = newline(array, from, end); i >= 0; i = newline(array, from, end)) {
      append(array, from, i - from);
      long endOffset = chunkOffset + (i - start) + 1;
      emit(sink, endOffset);
      from = i + 1;
    }
    append(array, from, end - from);
  }

  /**
   * The index of the next newline, or -1. Its own loop: with the byte scan inline, the loop over a
   * chunk counted one backedge per byte, and the JIT compiled the whole per-line path (parse, pack)
   * into one huge on-stack replacement of {@link #feed}, which took it about a second.
   */
  private static int newline(byte[] array, int from, int end) {
    for (int i = from; i < end; i++) {
      if (array[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Emits what is assembled as a line even without a newline: the file is finished. */
  void flushPartial(long endOffset, LineSink sink) {
    if (hasPartialLine()) {
      emit(sink, endOffset);
    }
  }

  private void emit(LineSink sink, long endOffset) {
    int n = length;
    // A Windows line ending: the \r belongs to the line break, not the text.
    if (n > 0 && line[n - 1] == '\r' && !truncated) {
      n--;
    }
    if (truncated) {
      n = withoutCutCharacter(line, n);
    }
    sink.line(line, n, truncated, endOffset);
    length = 0;
    truncated = false;
    lineStart = endOffset;
    if (line.length > 65_536) {
      line = new byte[4096]; // one huge line must not pin its buffer forever
    }
  }

  /**
   * The cap may cut a multi-byte UTF-8 character: drop its first bytes rather than call it invalid.
   */
  static int withoutCutCharacter(byte[] bytes, int n) {
    int lead = n - 1;
    while (lead >= 0 && lead > n - 4 && (bytes[lead] & 0xC0) == 0x80) {
      lead--;
    }
    if (lead < 0) {
      return n;
    }
    int b = bytes[lead] & 0xFF;
    int size = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return lead + size > n ? lead : n;
  }

  /**
   * Appends {@code count} (zero or more) bytes. Zero is not a special case on purpose: a chunk that
   * ends right after a newline is rare, and a branch the JIT has never seen taken costs a
   * recompilation of the whole inlined read path when it finally is.
   */
  private void append(byte[] source, int from, int count) {
    int room = maxLineBytes - length;
    if (count > room) {
      truncated = true;
      count = room;
    }
    if (length + count > line.length) {
      byte[] bigger = new byte[Math.min(maxLineBytes, Math.max(line.length * 2, length + count))];
      System.arraycopy(line, 0, bigger, 0, length);
      line = bigger;
    }
    System.arraycopy(source, from, line, length, count);
    length += count;
  }
}
