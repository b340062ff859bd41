package io.outrigger.sidecar.logs.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The first bytes of a file (up to {@link #LENGTH}): with the inode, what tells one file's content
 * from another's. A log file only grows, so its first bytes never change; when they do, the file
 * was truncated (copytruncate) or replaced, and a new file whose first bytes equal a known file's
 * is a copy of it.
 */
final class FilePrefix {
  static final int LENGTH = 256;
  static final FilePrefix EMPTY = new FilePrefix(new byte[0]);

  private final byte[] bytes;

  FilePrefix(byte[] bytes) {
    this.bytes = bytes;
  }

  static FilePrefix read(FileChannel channel, long size) throws IOException {
    int length = (int) Math.min(size, LENGTH);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    return new FilePrefix(Arrays.copyOf(buffer.array(), buffer.position()));
  }

  int length() {
    return bytes.length;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  boolean complete() {
    return bytes.length >= LENGTH;
  }

  /** Whether {@code current} (read now from the same file) still starts like this. */
  boolean sameStart(FilePrefix current) {
    int n = Math.min(bytes.length, current.bytes.length);
    return Arrays.equals(bytes, 0, n, current.bytes, 0, n);
  }

  /** Whether a file starting with {@code other} begins with all of this prefix. */
  boolean isPrefixOf(FilePrefix other) {
    return other.bytes.length >= bytes.length
        && Arrays.equals(bytes, 0, bytes.length, other.bytes, 0, bytes.length);
  }

  /** The longer of two prefixes of the same content. */
  FilePrefix longer(FilePrefix other) {
    return other.bytes.length > bytes.length ? other : this;
  }
}
