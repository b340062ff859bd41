package io.outrigger.sidecar.logs.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * Reads a Forward receiver's answers, {@code {"ack": "<chunk>"}} msgpack maps, from the bytes as
 * they arrive (an answer may be split across reads, or several may arrive at once). Anything else
 * is a protocol error: the output then drops the connection and resends what was not acked.
 */
final class ForwardAckDecoder {
  /** Acks are a few dozen bytes; a receiver sending more without one is not speaking Forward. */
  static final int MAX_PENDING_BYTES = 64 * 1024;

  private byte[] pending = new byte[0];

  /** Thrown for bytes that are not an ack. */
  static final class MalformedAckException extends Exception {
    MalformedAckException(String message) {
      super(message);
    }
  }

  /** Adds bytes; returns the chunk ids of the acks completed by them, in order. */
  List<String> feed(byte[] bytes) throws MalformedAckException {
    byte[] joined = new byte[pending.length + bytes.length];
    System.arraycopy(pending, 0, joined, 0, pending.length);
    System.arraycopy(bytes, 0, joined, pending.length, bytes.length);
    List<String> acks = new ArrayList<>();
    int consumed = 0;
    while (consumed < joined.length) {
      Value answer;
      try (MessageUnpacker unpacker =
          MessagePack.newDefaultUnpacker(joined, consumed, joined.length - consumed)) {
        answer = unpacker.unpackValue();
        consumed += (int) unpacker.getTotalReadBytes();
      } catch (MessageInsufficientBufferException e) {
        break;
      } catch (MessagePackException | IOException e) {
        throw new MalformedAckException("the receiver's answer is not msgpack: " + e.getMessage());
      }
      acks.add(chunkOf(answer));
    }
    pending = java.util.Arrays.copyOfRange(joined, consumed, joined.length);
    if (pending.length > MAX_PENDING_BYTES) {
      throw new MalformedAckException(
          "the receiver sent " + pending.length + " bytes that do not end an answer");
    }
    return acks;
  }

  private static String chunkOf(Value answer) throws MalformedAckException {
    if (answer.isMapValue()) {
      Value ack = answer.asMapValue().map().get(org.msgpack.value.ValueFactory.newString("ack"));
      if (ack != null && ack.isStringValue()) {
        return ack.asStringValue().asString();
      }
    }
    throw new MalformedAckException(
        "the receiver answered " + abbreviate(answer.toJson()) + ", not {\"ack\": <chunk>}");
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }
}
