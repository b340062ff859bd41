package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Acks as they come off the socket: split, coalesced, or not acks at all. */
class ForwardAckDecoderTest {

  static byte[] ack(String chunk) throws Exception {
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      packer.packMapHeader(1).packString("ack").packString(chunk);
      return packer.toByteArray();
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void anAckSplitAcrossReadsCompletesOnTheLastPiece() throws Exception {
    byte[] bytes = ack("chunk-1");
    ForwardAckDecoder decoder = new ForwardAckDecoder();
    assertThat(decoder.feed(Arrays.copyOfRange(bytes, 0, 5))).isEmpty();
    assertThat(decoder.feed(Arrays.copyOfRange(bytes, 5, bytes.length))).containsExactly("chunk-1");
  }

  @Test
  void twoAcksInOneReadAreBothSeenInOrder() throws Exception {
    byte[] bytes = concat(ack("a"), ack("b"));
    ForwardAckDecoder decoder = new ForwardAckDecoder();
    assertThat(decoder.feed(Arrays.copyOfRange(bytes, 0, bytes.length - 1))).containsExactly("a");
    assertThat(decoder.feed(Arrays.copyOfRange(bytes, bytes.length - 1, bytes.length)))
        .containsExactly("b");
  }

  @Test
  void aMapWithoutAnAckIsRefusedWithWhatCame() throws Exception {
    byte[] other;
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      packer.packMapHeader(1).packString("status").packString("ok");
      other = packer.toByteArray();
    }
    assertThatThrownBy(() -> new ForwardAckDecoder().feed(other))
        .isInstanceOf(ForwardAckDecoder.MalformedAckException.class)
        .hasMessageContaining("{\"status\":\"ok\"}");
  }

  @Test
  void bytesThatAreNotMsgpackAreRefused() {
    assertThatThrownBy(() -> new ForwardAckDecoder().feed(new byte[] {(byte) 0xc1}))
        .hasMessageContaining("not msgpack");
  }

  @Test
  void aReceiverThatNeverFinishesAnAnswerIsCutOff() throws Exception {
    // A str 32 header announcing 1 MB that never ends: the decoder must not wait forever.
    byte[] header = {(byte) 0xdb, 0x00, 0x10, 0x00, 0x00};
    ForwardAckDecoder decoder = new ForwardAckDecoder();
    decoder.feed(header);
    assertThatThrownBy(() -> decoder.feed(new byte[ForwardAckDecoder.MAX_PENDING_BYTES]))
        .hasMessageContaining("do not end an answer");
  }
}
