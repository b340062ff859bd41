package io.outrigger.sidecar.outbound;

import io.outrigger.sidecar.JsonLog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Map;

/**
 * The ambassador's front door on 127.0.0.1:15001. Each connection is sorted by its first bytes:
 * HTTP (explicit proxy requests, CONNECT, or captured plain HTTP) goes on to the ambassador's HTTP
 * server over loopback, everything else captured by iptables is passed through untouched to its
 * original destination. A captured connection that stays silent (server-speaks-first protocols:
 * SMTP, MySQL) is passed through after {@link #DETECT_MILLIS}.
 */
final class OutboundListener {
  static final long DETECT_MILLIS = 1000;

  private final Vertx vertx;
  private final NetClient client;
  private final OutboundMetrics metrics;
  private final Map<Integer, SocketAddress> hops;
  private final int httpPort;

  /**
   * @param hops where the HTTP server learns the original destination of a handed-over connection:
   *     keyed by the loopback hop's local port
   */
  OutboundListener(
      Vertx vertx,
      NetClient client,
      OutboundMetrics metrics,
      Map<Integer, SocketAddress> hops,
      int httpPort) {
    this.vertx = vertx;
    this.client = client;
    this.metrics = metrics;
    this.hops = hops;
    this.httpPort = httpPort;
  }

  void accept(NetSocket socket) {
    SocketAddress original = OriginalDestination.of(socket);
    boolean[] decided = {false};
    long timer =
        original == null
            ? -1
            : vertx.setTimer(
                DETECT_MILLIS,
                t -> {
                  if (!decided[0]) {
                    decided[0] = true;
                    socket.pause();
                    passthrough(socket, original, Buffer.buffer());
                  }
                });
    socket.handler(
        first -> {
          if (decided[0]) {
            return;
          }
          decided[0] = true;
          socket.pause();
          vertx.cancelTimer(timer);
          if (looksLikeHttp(first)) {
            toHttp(socket, original, first);
          } else if (original != null) {
            passthrough(socket, original, first);
          } else {
            // Not HTTP and not redirected: nothing says where it should go.
            metrics.tcp(DestinationLabels.OVERFLOW, "no_destination");
            JsonLog.warn(
                "outbound: closed a connection that is neither HTTP nor redirected by iptables",
                "client",
                String.valueOf(socket.remoteAddress()));
            socket.close();
          }
        });
  }

  /**
   * The longest method sniffed, and its space: registered methods run to 17 characters ({@code
   * UPDATEREDIRECTREF}); WebDAV's {@code PROPFIND} and {@code BASELINE-CONTROL} are longer than the
   * seven of {@code OPTIONS}.
   */
  static final int MAX_METHOD_SNIFFED = 24;

  /**
   * An HTTP/1.x request line starts with a method (upper-case letters, and hyphens after the first)
   * and a space; h2c with its preface ({@code PRI * HTTP/2.0}).
   */
  static boolean looksLikeHttp(Buffer first) {
    int length = Math.min(first.length(), MAX_METHOD_SNIFFED);
    for (int i = 0; i < length; i++) {
      byte b = first.getByte(i);
      if (b == ' ') {
        return i >= 3;
      }
      boolean letter = b >= 'A' && b <= 'Z';
      if (!letter && !(b == '-' && i > 0)) {
        return false;
      }
    }
    return false;
  }

  private void toHttp(NetSocket socket, SocketAddress original, Buffer first) {
    client
        .connect(httpPort, "127.0.0.1")
        .onSuccess(
            hop -> {
              int key = hop.localAddress().port();
              hops.put(key, original != null ? original : OutboundProxy.NOT_REDIRECTED);
              hop.closeHandler(v -> hops.remove(key));
              splice(socket, hop, first);
            })
        .onFailure(e -> socket.close());
  }

  private void passthrough(NetSocket socket, SocketAddress original, Buffer first) {
    String destination =
        metrics.label(
            new OutboundTarget(
                original.hostAddress(),
                original.port(),
                original.hostAddress(),
                original.port(),
                "",
                false));
    client
        .connect(original)
        .onSuccess(
            upstream -> {
              metrics.tcp(destination, "passthrough");
              splice(socket, upstream, first);
            })
        .onFailure(
            e -> {
              metrics.tcp(destination, "connect_failed");
              socket.close();
            });
  }

  /** Writes what was already read, then copies both ways with backpressure until one side ends. */
  static void splice(NetSocket downstream, NetSocket upstream, Buffer first) {
    if (first.length() > 0) {
      upstream.write(first);
    }
    downstream.pipeTo(upstream);
    upstream.pipeTo(downstream);
  }
}
