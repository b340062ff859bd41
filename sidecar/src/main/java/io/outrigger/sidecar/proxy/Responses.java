package io.outrigger.sidecar.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/** Answers the sidecar gives itself (errors, limits), always plain text naming the sidecar. */
final class Responses {
  static final String ERROR_HEADER = "x-outrigger-error";

  private Responses() {}

  /**
   * Releases the client's request (its body is drained, not sent on) and answers {@code status}
   * with {@code body}.
   */
  static ProxyResponse answer(ProxyContext ctx, int status, String code, String body) {
    return ctx.request()
        .release()
        .response()
        .setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader(ERROR_HEADER, code)
        .setBody(Body.body(Buffer.buffer(body)));
  }
}
