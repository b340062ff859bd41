package io.outrigger.sidecar.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * Makes Netty's HTTP codecs decode headers straight into Vert.x's header map, which is both a Netty
 * {@code HttpHeaders} and a {@code MultiMap}: the fast path edits the decoded request's own headers
 * with the same code the Vert.x listener uses ({@link ForwardedHeaders}, the propagators), and the
 * encoder writes them out without another copy.
 */
final class MultiMapHeaders implements HttpHeadersFactory {
  static final MultiMapHeaders FACTORY = new MultiMapHeaders();

  private MultiMapHeaders() {}

  @Override
  public HttpHeaders newHeaders() {
    return HeadersMultiMap.httpHeaders();
  }

  @Override
  public HttpHeaders newEmptyHeaders() {
    return HeadersMultiMap.httpHeaders();
  }
}
