package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What passes through the proxy untouched, what it adds, and what it must drop (RFC 9110 hop-by-hop
 * headers).
 */
class ProtocolPassthroughTest {
  private static final HttpClient HTTP11 =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void hopByHopHeadersAreNotForwardedEitherWay() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<MultiMap> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
            r.response()
                .putHeader("connection", "x-response-hop")
                .putHeader("x-response-hop", "secret")
                .putHeader("keep-alive", "timeout=5")
                .putHeader("x-end-to-end", "kept")
                .end("ok");
          });
      String raw =
          RawHttp.exchange(
              h.proxyPort(),
              "GET /h HTTP/1.1\r\n"
                  + "Host: shop.example\r\n"
                  + "Connection: close, X-Hop-Secret\r\n"
                  + "X-Hop-Secret: must-not-reach-the-app\r\n"
                  + "Keep-Alive: timeout=5\r\n"
                  + "Proxy-Connection: keep-alive\r\n"
                  + "Proxy-Authorization: Basic cHJveHk=\r\n"
                  + "TE: trailers\r\n"
                  + "X-End-To-End: kept\r\n"
                  + "\r\n");
      MultiMap app = seen.get(5, TimeUnit.SECONDS);

      assertThat(app.names())
          .map(String::toLowerCase)
          .doesNotContain(
              "x-hop-secret", "keep-alive", "proxy-connection", "proxy-authorization", "te");
      assertThat(app.get("connection")).isNotEqualTo("close, X-Hop-Secret");
      assertThat(app.get("x-end-to-end")).isEqualTo("kept");
      String responseHeaders = raw.substring(0, raw.indexOf("\r\n\r\n")).toLowerCase();
      assertThat(responseHeaders)
          .doesNotContain("x-response-hop", "keep-alive")
          .contains("x-end-to-end: kept");
    }
  }

  @Test
  void aHeaderNamedInASecondConnectionFieldIsHopByHopToo() throws Exception {
    // RFC 9110 §5.3: fields of one name are one list; §7.6.1: every name Connection lists is
    // removed, whichever of its fields lists it.
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<MultiMap> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
            r.response().end("ok");
          });
      RawHttp.exchange(
          h.proxyPort(),
          "GET /h HTTP/1.1\r\n"
              + "Host: shop.example\r\n"
              + "Connection: close\r\n"
              + "Connection: X-Hop-Secret\r\n"
              + "X-Hop-Secret: must-not-reach-the-app\r\n"
              + "\r\n");
      assertThat(seen.get(5, TimeUnit.SECONDS).names())
          .map(String::toLowerCase)
          .doesNotContain("x-hop-secret");
    }
  }

  @Test
  void aRequestWithoutABodyReachesTheAppWithoutOne() throws Exception {
    // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body; it
    // must not become a chunked one on the way to the app.
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<MultiMap> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
            r.response().end("ok");
          });
      RawHttp.exchange(
          h.proxyPort(), "DELETE /cart/7 HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n");
      MultiMap app = seen.get(5, TimeUnit.SECONDS);
      assertThat(app.get("transfer-encoding")).isNull();
      assertThat(app.get("content-length")).isNull();
    }
  }

  @Test
  void forwardedHeadersAndARequestIdAreAddedAndHostIsKept() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<MultiMap> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
            r.response().end();
          });
      RawHttp.exchange(
          h.proxyPort(),
          "GET / HTTP/1.1\r\nHost: shop.example:8080\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n");
      MultiMap app = seen.get(5, TimeUnit.SECONDS);

      assertThat(app.get("host")).isEqualTo("shop.example:8080");
      assertThat(app.get("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
      assertThat(app.get("x-forwarded-proto")).isEqualTo("http");
      assertThat(app.get("x-forwarded-host")).isEqualTo("shop.example:8080");
      assertThat(app.get("x-request-id"))
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }
  }

  @Test
  void anIncomingRequestIdIsKept() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<String> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(r.getHeader("x-request-id"));
            r.response().end();
          });
      HTTP11.send(
          HttpRequest.newBuilder(h.uri("/")).header("x-request-id", "abc-123").build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("abc-123");
    }
  }

  @Test
  void h2cRequestsAreProxied() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(r -> r.response().end("via " + r.version()));
      HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      // Two requests: the first upgrades the connection, the second runs over HTTP/2 proper.
      h2c.send(HttpRequest.newBuilder(h.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> response =
          h2c.send(
              HttpRequest.newBuilder(h.uri("/")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("via HTTP_1_1");
    }
  }

  @Test
  void webSocketUpgradeIsPassedThroughAndEchoes() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(
          r ->
              r.toWebSocket()
                  .onSuccess(
                      (ServerWebSocket ws) ->
                          ws.textMessageHandler(text -> ws.writeTextMessage("echo: " + text))));
      CompletableFuture<String> reply = new CompletableFuture<>();
      WebSocket ws =
          HTTP11
              .newWebSocketBuilder()
              .buildAsync(
                  java.net.URI.create("ws://127.0.0.1:" + h.proxyPort() + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket socket, CharSequence data, boolean last) {
                      reply.complete(data.toString());
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ws.sendText("hello", true);
      assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }

  @Test
  void expectContinueIsAnsweredAndTheBodyArrives() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<String> body = new CompletableFuture<>();
      h.backend(
          r ->
              r.body()
                  .onSuccess(
                      b -> {
                        body.complete(b.toString() + "|expect=" + r.getHeader("expect"));
                        r.response().end("got it");
                      }));
      HttpResponse<String> response =
          HTTP11.send(
              HttpRequest.newBuilder(h.uri("/upload"))
                  .expectContinue(true)
                  .POST(HttpRequest.BodyPublishers.ofString("payload"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(body.get(5, TimeUnit.SECONDS)).isEqualTo("payload|expect=null");
    }
  }

  @Test
  void chunkedUploadAndDownloadOf100MegabytesStreamThrough() throws Exception {
    long size = 100L * 1024 * 1024;
    try (ProxyHarness h = new ProxyHarness()) {
      AtomicLong received = new AtomicLong();
      MessageDigest appDigest = MessageDigest.getInstance("SHA-256");
      CompletableFuture<String> uploaded = new CompletableFuture<>();
      h.backend(
          r -> {
            if (r.path().equals("/up")) {
              r.handler(
                  chunk -> {
                    received.addAndGet(chunk.length());
                    appDigest.update(chunk.getBytes());
                  });
              r.endHandler(
                  v -> {
                    uploaded.complete(HexFormat.of().formatHex(appDigest.digest()));
                    r.response().end("stored");
                  });
            } else {
              streamDown(r.response(), size);
            }
          });

      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      HttpResponse<String> up =
          HTTP11.send(
              HttpRequest.newBuilder(h.uri("/up"))
                  .timeout(Duration.ofMinutes(2))
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, sent)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(received).hasValue(size);
      assertThat(uploaded.get(5, TimeUnit.SECONDS))
          .isEqualTo(HexFormat.of().formatHex(sent.digest()));

      HttpResponse<InputStream> down =
          HTTP11.send(
              HttpRequest.newBuilder(h.uri("/down")).timeout(Duration.ofMinutes(2)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      long total = 0;
      try (InputStream in = down.body()) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
          total += n;
        }
      }
      assertThat(total).isEqualTo(size);
    }
  }

  /**
   * Writes {@code remaining} bytes in 64 KiB chunks, pausing whenever the write queue is full
   * (backpressure).
   */
  private static void streamDown(io.vertx.core.http.HttpServerResponse response, long size) {
    response.setChunked(true);
    io.vertx.core.buffer.Buffer chunk = io.vertx.core.buffer.Buffer.buffer(new byte[64 * 1024]);
    long[] left = {size};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (left[0] > 0 && !response.writeQueueFull()) {
            response.write(chunk);
            left[0] -= chunk.length();
          }
          if (left[0] > 0) {
            response.drainHandler(v -> pump[0].run());
          } else {
            response.end();
          }
        };
    pump[0].run();
  }

  /**
   * A deterministic byte stream of a given length that also feeds a digest, so nothing is held in
   * memory.
   */
  private static final class PatternStream extends InputStream {
    private long left;
    private final MessageDigest digest;
    private int next;

    PatternStream(long size, MessageDigest digest) {
      this.left = size;
      this.digest = digest;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      int b = next++ & 0xFF;
      digest.update((byte) b);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (next++ & 0xFF);
      }
      digest.update(b, off, n);
      left -= n;
      return n;
    }
  }
}
