package io.outrigger.sidecar.logs.tail;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes line bytes as UTF-8, telling whether anything was invalid (those bytes become U+FFFD, as
 * {@link String#String(byte[], java.nio.charset.Charset)} does). Reuses its decoder and buffer; one
 * per thread.
 */
final class Utf8Text {
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private CharBuffer chars = CharBuffer.allocate(4096);
  private boolean lastInvalid;

  String decode(byte[] bytes, int length) {
    lastInvalid = false;
    boolean ascii = true;
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
    if (chars.capacity() < length) {
      chars = CharBuffer.allocate(length);
    }
    chars.clear();
    strict.reset();
    try {
      var result = strict.decode(ByteBuffer.wrap(bytes, 0, length), chars, true);
      if (result.isError()) {
        result.throwException();
      }
      strict.flush(chars);
      chars.flip();
      return chars.toString();
    } catch (CharacterCodingException e) {
      lastInvalid = true;
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    } finally {
      if (chars.capacity() > 65_536) {
        chars = CharBuffer.allocate(4096);
      }
    }
  }

  /** Whether the last decoded line had invalid UTF-8. */
  boolean lastInvalid() {
    return lastInvalid;
  }
}
