package io.outrigger.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * Netty's response encoder, writing a Vert.x header map with that map's own encoder: one pass over
 * its entries straight into the buffer, where Netty's generic one iterates them as char sequences.
 */
final class ResponseEncoder extends HttpResponseEncoder {
  @Override
  protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
    if (headers instanceof HeadersMultiMap map) {
      map.encode(buf, false);
    } else {
      super.encodeHeaders(headers, buf);
    }
  }
}
