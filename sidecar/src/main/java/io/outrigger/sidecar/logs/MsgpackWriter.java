package io.outrigger.sidecar.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few msgpack forms a packed record needs, written into one growable array that is reused from
 * record to record. msgpack-core's packer allocated a buffer slice per record and a byte array per
 * string; on the tailer thread, at hundreds of thousands of records a second, that garbage was most
 * of what it allocated. ASCII strings (most of a log line) are written char by char, with no
 * intermediate array.
 */
final class MsgpackWriter {
  /** What the array shrinks back to after an unusually large record. */
  private static final int INITIAL_BYTES = 1024;

  private static final int MAX_KEPT_BYTES = 64 * 1024;

  private byte[] bytes = new byte[INITIAL_BYTES];
  private int length;

  /** Starts over, keeping the array unless a large record grew it. */
  void reset() {
    if (bytes.length > MAX_KEPT_BYTES) {
      bytes = new byte[INITIAL_BYTES];
    }
    length = 0;
  }

  int length() {
    return length;
  }

  byte[] copy() {
    return Arrays.copyOf(bytes, length);
  }

  void arrayHeader(int size) {
    if (size < 16) {
      write((byte) (0x90 | size));
    } else {
      write((byte) 0xdd);
      int32(size);
    }
  }

  /**
   * A map header of the 32-bit form, whatever the size, so the size can be filled in once the
   * entries are written ({@link #patchMapHeader}); any length form is valid msgpack.
   */
  int mapHeaderToPatch() {
    int at = length;
    write((byte) 0xdf);
    int32(0);
    return at;
  }

  void patchMapHeader(int at, int size) {
    bytes[at + 1] = (byte) (size >>> 24);
    bytes[at + 2] = (byte) (size >>> 16);
    bytes[at + 3] = (byte) (size >>> 8);
    bytes[at + 4] = (byte) size;
  }

  void mapHeader(int size) {
    if (size < 16) {
      write((byte) (0x80 | size));
    } else {
      write((byte) 0xdf);
      int32(size);
    }
  }

  /** An ext 8 header and its 8-byte payload: seconds and nanoseconds, each a big-endian uint32. */
  void ext8(byte type, long seconds, int nanos) {
    ensure(10);
    bytes[length++] = (byte) 0xd7;
    bytes[length++] = type;
    int32((int) seconds);
    int32(nanos);
  }

  void string(String s) {
    int chars = s.length();
    int start = length;
    stringHeader(chars);
    ensure(chars);
    byte[] b = bytes;
    int at = length;
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        length = start;
        raw(s.getBytes(StandardCharsets.UTF_8));
        return;
      }
      b[at + i] = (byte) c;
    }
    length = at + chars;
  }

  /** A string whose UTF-8 bytes the caller has. */
  void raw(byte[] utf8) {
    stringHeader(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, length, utf8.length);
    length += utf8.length;
  }

  void bool(boolean value) {
    write((byte) (value ? 0xc3 : 0xc2));
  }

  void int64(long value) {
    if (value >= -32 && value < 128) {
      write((byte) value); // positive or negative fixint
    } else if (value >= 0 && value < 65_536) {
      ensure(3);
      bytes[length++] = (byte) 0xcd;
      bytes[length++] = (byte) (value >>> 8);
      bytes[length++] = (byte) value;
    } else if (value >= 0 && value <= 0xffff_ffffL) {
      write((byte) 0xce);
      int32((int) value);
    } else {
      ensure(9);
      bytes[length++] = (byte) 0xd3;
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[length++] = (byte) (value >>> shift);
      }
    }
  }

  void float64(double value) {
    ensure(9);
    bytes[length++] = (byte) 0xcb;
    long raw = Double.doubleToRawLongBits(value);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[length++] = (byte) (raw >>> shift);
    }
  }

  private void stringHeader(int size) {
    ensure(5);
    if (size < 32) {
      bytes[length++] = (byte) (0xa0 | size);
    } else if (size < 256) {
      bytes[length++] = (byte) 0xd9;
      bytes[length++] = (byte) size;
    } else if (size < 65_536) {
      bytes[length++] = (byte) 0xda;
      bytes[length++] = (byte) (size >>> 8);
      bytes[length++] = (byte) size;
    } else {
      bytes[length++] = (byte) 0xdb;
      int32(size);
    }
  }

  private void int32(int value) {
    ensure(4);
    bytes[length++] = (byte) (value >>> 24);
    bytes[length++] = (byte) (value >>> 16);
    bytes[length++] = (byte) (value >>> 8);
    bytes[length++] = (byte) value;
  }

  private void write(byte b) {
    ensure(1);
    bytes[length++] = b;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
