package io.outrigger.sidecar.proxy;

import io.outrigger.sidecar.tracing.OriginalRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

/**
 * What spans and metrics read of an inbound request, the same whichever listener decoded it (the
 * Netty fast path or the Vert.x server). {@code original} is read when the view is made, from the
 * headers as the client sent them, before any are edited for the app.
 *
 * @param headers the request's headers (the propagators read the caller's trace context here)
 */
record RequestView(
    String method,
    String path,
    String query,
    HttpVersion version,
    MultiMap headers,
    SocketAddress peer,
    OriginalRequest original) {

  static RequestView of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    return new RequestView(
        request.method().name(),
        request.path(),
        request.query(),
        request.version(),
        request.headers(),
        peer,
        OriginalRequest.of(request.headers(), request.authority(), request.isSSL(), host(peer)));
  }

  /** A view of a plain-text HTTP/1.x request given by its parts ({@code uri} as on the wire). */
  static RequestView of(
      String method,
      String uri,
      HttpVersion version,
      MultiMap headers,
      SocketAddress peer,
      String peerHost) {
    String host = headers.get("host");
    HostAndPort authority = host == null ? null : HostAndPort.parseAuthority(host, -1);
    String pathAndQuery = withoutSchemeAndAuthority(uri);
    int q = pathAndQuery.indexOf('?');
    return new RequestView(
        method,
        q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
        q < 0 ? null : pathAndQuery.substring(q + 1),
        version,
        headers,
        peer,
        OriginalRequest.of(headers, authority, false, peerHost));
  }

  /** The path of an absolute-form target ({@code http://host/path}, RFC 9112 §3.2.2). */
  static String withoutSchemeAndAuthority(String uri) {
    if (uri.startsWith("/")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri; // asterisk-form or garbage: passed on as it came
    }
    int path = uri.indexOf('/', scheme + 3);
    int query = uri.indexOf('?', scheme + 3);
    if (path < 0 || (query >= 0 && query < path)) {
      return query < 0 ? "/" : "/" + uri.substring(query);
    }
    return uri.substring(path);
  }

  private static String host(SocketAddress peer) {
    return peer == null ? null : peer.hostAddress();
  }
}
