package io.outrigger.sidecar.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a well-behaved intermediary does to headers: drops hop-by-hop headers (RFC 9110 §7.6.1: the
 * fixed ones and every header named in {@code Connection}) both ways, adds {@code
 * X-Forwarded-For/Proto/Host} and an {@code x-request-id} when absent, and keeps the client's Host
 * so virtual hosting in the app still works.
 */
final class ForwardingHeadersInterceptor implements ProxyInterceptor {
  static final String REQUEST_ID = "x-request-id";

  /** Connection-specific headers beyond those vertx-http-proxy already drops. */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade", "connection");

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    HttpServerRequest incoming = ctx.request().proxiedRequest();
    MultiMap headers = ctx.request().headers();
    if (!ctx.isWebSocket()) {
      stripHopByHop(headers);
      // The sidecar answered 100-continue itself; the app must not wait for a client that already
      // sent the body.
      headers.remove("expect");
    }
    SocketAddress client = incoming.remoteAddress();
    if (client != null && client.hostAddress() != null) {
      String previous = headers.get("x-forwarded-for");
      headers.set(
          "x-forwarded-for",
          previous == null ? client.hostAddress() : previous + ", " + client.hostAddress());
    }
    if (!headers.contains("x-forwarded-proto")) {
      headers.set("x-forwarded-proto", incoming.isSSL() ? "https" : "http");
    }
    if (incoming.authority() != null) {
      if (!headers.contains("x-forwarded-host")) {
        headers.set("x-forwarded-host", incoming.authority().toString());
      }
      ctx.request().setAuthority(incoming.authority());
    }
    if (!headers.contains(REQUEST_ID)) {
      headers.set(REQUEST_ID, newRequestId());
    }
    return ctx.sendRequest();
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    if (!ctx.isWebSocket()) {
      stripHopByHop(ctx.response().headers());
    }
    return ctx.sendResponse();
  }

  static void stripHopByHop(MultiMap headers) {
    for (String connection : headers.getAll("connection")) {
      for (String token : connection.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
    }
    HOP_BY_HOP.forEach(headers::remove);
  }

  /**
   * A random UUID without SecureRandom's cost and contention: request ids need uniqueness, not
   * secrecy.
   */
  private static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
