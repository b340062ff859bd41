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
    // The JDK's decoder is the fast path (ASCII is checked with an intrinsic); it replaces bad
    // bytes with U+FFFD, so only a line that contains U+FFFD needs the strict look to tell a bad
    // byte from a U+FFFD the app really wrote.
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    lastInvalid = text.indexOf('\uFFFD') >= 0 && !strictlyValid(bytes, length);
    return text;
  }

  private boolean strictlyValid(byte[] bytes, int length) {
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
      return true;
    } catch (CharacterCodingException e) {
      return false;
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
