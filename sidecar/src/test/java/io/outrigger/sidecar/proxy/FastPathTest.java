package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.http.HttpServerRequest;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the plain-text listener's two paths must get right beyond the shared proxy tests: HTTP/1.1
 * framing rules of RFC 9112 that only the fast path implements (pipelined requests answered in
 * order, HEAD, HTTP/1.0 persistence), and the hand-over to the Vert.x listener keeping the client's
 * own address (PROXY protocol v2).
 */
class FastPathTest {

  /** RFC 9112 §9.3.2: a server answers pipelined requests in the order they came. */
  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      // The first answer is the slowest: an out-of-order proxy would send /2 and /3 first.
      h.backend(
          r -> {
            long delay = r.path().equals("/1") ? 300 : 1;
            r.response().setStatusCode(200);
            h.vertx.setTimer(delay, t -> r.response().end("answer " + r.path()));
          });
      String raw =
          RawHttp.untilClosed(
              h.proxyPort(),
              "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertThat(raw.indexOf("answer /1"))
          .isPositive()
          .isLessThan(raw.indexOf("answer /2"))
          .isLessThan(raw.indexOf("answer /3"));
      assertThat(raw.split("HTTP/1\\.1 200 ", -1)).hasSize(4);
    }
  }

  /**
   * RFC 9110 §9.3.2: the answer to HEAD has the headers of a GET and no body, and the connection
   * stays usable.
   */
  @Test
  void headAnswersCarryNoBodyAndTheConnectionGoesOn() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(
          r ->
              r.response()
                  .putHeader("content-length", "5")
                  .end(r.method().name().equals("HEAD") ? "" : "hello"));
      String raw =
          RawHttp.untilClosed(
              h.proxyPort(),
              "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      String[] answers = raw.split("(?=HTTP/1\\.1 200 )");
      assertThat(answers).hasSize(2);
      assertThat(answers[0]).containsIgnoringCase("content-length: 5").endsWith("\r\n\r\n");
      assertThat(answers[1]).endsWith("hello");
    }
  }

  /**
   * RFC 9112 §9.3: an HTTP/1.0 request without keep-alive ends its connection; a body of unknown
   * length is ended by closing, since HTTP/1.0 has no chunks.
   */
  @Test
  void anHttp10ClientGetsABodyOfUnknownLengthEndedByTheClose() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(r -> r.response().setChunked(true).end("streamed"));
      String raw = RawHttp.untilClosed(h.proxyPort(), "GET / HTTP/1.0\r\nHost: a\r\n\r\n");
      assertThat(raw).startsWith("HTTP/1.1 200 ").endsWith("streamed");
      assertThat(raw.toLowerCase())
          .doesNotContain("transfer-encoding")
          .contains("connection: close");
    }
  }

  /**
   * A request asking for h2c is handed over to the Vert.x listener; the PROXY header it gets first
   * makes the client's own address and port the span's peer, not the sidecar's loopback hop.
   */
  @Test
  void aHandedOverConnectionKeepsTheClientsAddress() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      List<String> forwardedFor = new CopyOnWriteArrayList<>();
      h.backend(
          (HttpServerRequest r) -> {
            forwardedFor.add(r.getHeader("x-forwarded-for"));
            r.response().end("ok");
          });
      int clientPort;
      try (Socket socket = new Socket("127.0.0.1", h.proxyPort())) {
        socket.setSoTimeout(10_000);
        clientPort = socket.getLocalPort();
        socket
            .getOutputStream()
            .write(
                ("GET /upgraded HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAA\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        byte[] head = new byte[12];
        int read = socket.getInputStream().read(head);
        assertThat(new String(head, 0, read, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> !h.spans.getFinishedSpanItems().isEmpty());
      }
      SpanData span = h.spans.getFinishedSpanItems().get(0);
      assertThat(span.getAttributes().get(AttributeKey.longKey("network.peer.port")))
          .isEqualTo((long) clientPort);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("url.path")))
          .isEqualTo("/upgraded");
      assertThat(forwardedFor).containsExactly("127.0.0.1");
    }
  }
}
