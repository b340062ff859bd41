package io.outrigger.sidecar.logs.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A file's content as the identity rules look at it: its size and the bytes at an offset. Over an
 * open channel in the tailer, over an array in tests, so the rules are tested without files.
 */
interface FileBytes {
  long size();

  /** Up to {@code length} bytes from {@code offset} (fewer at the end of the content). */
  byte[] read(long offset, int length);

  static FileBytes of(byte[] content) {
    return new FileBytes() {
      @Override
      public long size() {
        return content.length;
      }

      @Override
      public byte[] read(long offset, int length) {
        int from = (int) Math.min(offset, content.length);
        return Arrays.copyOfRange(content, from, (int) Math.min(content.length, from + length));
      }
    };
  }

  /** Over an open channel; an I/O error reads as the content being gone (size 0). */
  static FileBytes of(FileChannel channel) {
    return new FileBytes() {
      @Override
      public long size() {
        try {
          return channel.size();
        } catch (IOException e) {
          return 0;
        }
      }

      @Override
      public byte[] read(long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
          while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) <= 0) {
              break;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
      }
    };
  }
}
