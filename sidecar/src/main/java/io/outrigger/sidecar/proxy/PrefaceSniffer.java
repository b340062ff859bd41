package io.outrigger.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at a new connection's first bytes: HTTP/2 with prior knowledge starts with the connection
 * preface (RFC 9113 §3.4) and is handed over to the Vert.x listener; anything else is HTTP/1.x, for
 * the fast path's codec behind this handler, which steps out of the way at the first byte that
 * differs from the preface.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Handover handover;
  private boolean handedOver;

  PrefaceSniffer(Handover handover) {
    this.handover = handover;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (handedOver) {
      return; // kept until the hand-over takes this handler out and passes the bytes on
    }
    int seen = Math.min(in.readableBytes(), PREFACE.length);
    for (int i = 0; i < seen; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        ctx.pipeline().remove(this);
        return;
      }
    }
    if (seen == PREFACE.length) {
      handedOver = true;
      handover.handOver(ctx.channel(), null);
    }
  }
}
