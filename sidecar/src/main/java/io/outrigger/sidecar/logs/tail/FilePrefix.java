package io.outrigger.sidecar.logs.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The first bytes of a file (up to {@link #LENGTH}): half of a {@link ContentFingerprint}. A log
 * file only grows, so its first bytes never change; when they do, the file was truncated or
 * replaced. Not enough alone: many apps start every line alike, so different generations of one
 * file can share their first bytes.
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

  /**
   * Whether the bytes start like a compressed file (gzip, bzip2, xz, zstd): what logrotate's {@code
   * compress} leaves, never text to tail.
   */
  boolean isCompressed() {
    return startsWith(0x1f, 0x8b, 0x08)
        || (bytes.length > 3 && bytes[3] >= '1' && bytes[3] <= '9' && bzip2Block())
        || startsWith(0xfd, '7', 'z', 'X', 'Z', 0x00)
        || startsWith(0x28, 0xb5, 0x2f, 0xfd);
  }

  private boolean bzip2Block() {
    return bytes.length >= 10
        && startsWith('B', 'Z', 'h')
        && (bytes[4] & 0xff) == 0x31
        && (bytes[5] & 0xff) == 0x41
        && (bytes[6] & 0xff) == 0x59
        && (bytes[7] & 0xff) == 0x26
        && (bytes[8] & 0xff) == 0x53
        && (bytes[9] & 0xff) == 0x59;
  }

  private boolean startsWith(int... magic) {
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** The longer of two prefixes of the same content. */
  FilePrefix longer(FilePrefix other) {
    return other.bytes.length > bytes.length ? other : this;
  }
}
