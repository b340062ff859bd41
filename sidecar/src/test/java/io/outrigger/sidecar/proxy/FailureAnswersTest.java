package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's own answers when the app fails or limits hit: status, documented body, header and
 * metric.
 */
class FailureAnswersTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void appRefusingConnectionsGets503() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      // A second proxy in front of a port nobody listens on.
      InboundProxy refusing =
          new InboundProxy(
              h.vertx,
              "127.0.0.1",
              List.of(new ListenerPorts(closedPort, 0)),
              h.tracing,
              new io.outrigger.sidecar.metrics.ProxyMetrics(h.registry));
      refusing
          .start(io.outrigger.config.SidecarConfig.defaults().proxy())
          .toCompletionStage()
          .toCompletableFuture()
          .join();
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + refusing.boundPorts().get(0) + "/x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body())
          .isEqualTo(
              "outrigger sidecar: the app refused the connection on port "
                  + closedPort
                  + "; it may be down or still starting\n");
      assertThat(response.headers().firstValue("x-outrigger-error")).hasValue("upstream_refused");
      awaitMetrics(
          h,
          m ->
              assertThat(m)
                  .contains(
                      "outrigger_upstream_failures_total{listener=\""
                          + closedPort
                          + "\",reason=\"upstream_refused\"} 1.0")
                  .containsPattern(
                      "outrigger_requests_total\\{[^}]*listener=\""
                          + closedPort
                          + "\"[^}]*status_code=\"503\"[^}]*} 1.0"));
    }
  }

  @Test
  void appTooSlowGets504AfterTheRequestTimeout() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(
            c -> ProxyHarness.withProxy(c, p -> p.requestTimeout(Duration.ofMillis(300))))) {
      h.backend(request -> {}); // never answers
      long start = System.nanoTime();
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(h.uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.body())
          .isEqualTo("outrigger sidecar: the app did not answer within 300ms\n");
      assertThat(response.headers().firstValue("x-outrigger-error")).hasValue("upstream_timeout");
      assertThat(tookMillis)
          .as("answered after the timeout, not before")
          .isGreaterThanOrEqualTo(300);
      awaitMetrics(h, m -> assertThat(m).contains("reason=\"upstream_timeout\"} 1.0"));
    }
  }

  /** The status is out, so the only honest answer left is a broken one: no terminating chunk. */
  @Test
  void aBodyTheAppBreaksOffIsNotEndedAsIfComplete() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(
          r -> {
            r.response().setChunked(true).write("partial");
            h.vertx.setTimer(100, t -> r.connection().close());
          });
      String response =
          RawHttp.exchange(
              h.proxyPort(), "GET /broken HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");

      assertThat(response).startsWith("HTTP/1.1 200").contains("partial");
      assertThat(response).doesNotContain("\r\n0\r\n\r\n");
    }
  }

  @Test
  void appResettingTheConnectionGets502() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      h.backend(request -> request.connection().close());
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(h.uri("/reset")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body())
          .isEqualTo(
              "outrigger sidecar: the app closed the connection before a complete response\n");
      assertThat(response.headers().firstValue("x-outrigger-error")).hasValue("upstream_reset");
      awaitMetrics(h, m -> assertThat(m).contains("reason=\"upstream_reset\"} 1.0"));
    }
  }

  @Test
  void overTheRateLimitGets429WithRetryAfterAndTheAppNeverSeesIt() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withProxy(c, p -> p.rateLimit(0.5, 2)))) {
      java.util.concurrent.atomic.AtomicInteger seenByApp =
          new java.util.concurrent.atomic.AtomicInteger();
      h.backend(
          r -> {
            seenByApp.incrementAndGet();
            r.response().end("ok");
          });
      List<Integer> statuses = new java.util.ArrayList<>();
      HttpResponse<String> last = null;
      for (int i = 0; i < 4; i++) {
        last =
            CLIENT.send(
                HttpRequest.newBuilder(h.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        statuses.add(last.statusCode());
      }
      assertThat(statuses).containsExactly(200, 200, 429, 429);
      assertThat(seenByApp).hasValue(2);
      assertThat(last.headers().firstValue("retry-after")).hasValue("2");
      assertThat(last.body())
          .isEqualTo("outrigger sidecar: rate limit of 0.5 requests/s exceeded; retry after 2s\n");
      awaitMetrics(
          h,
          m ->
              assertThat(m)
                  .containsPattern(
                      "outrigger_requests_total\\{[^}]*status_code=\"429\"[^}]*} 2.0"));
    }
  }

  @Test
  void headersTooLargeGet431AndTheListenerKeepsServing() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      String raw =
          RawHttp.exchange(
              h.proxyPort(),
              "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
                  + "a".repeat(20_000)
                  + "\r\nConnection: close\r\n\r\n");
      assertThat(raw).matches("(?s)HTTP/1\\.[01] 431 .*");
      HttpResponse<String> after =
          CLIENT.send(
              HttpRequest.newBuilder(h.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRequestLineTooLongGets414() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      String raw =
          RawHttp.exchange(
              h.proxyPort(),
              "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(raw).matches("(?s)HTTP/1\\.[01] 414 .*");
    }
  }

  @Test
  void garbageOnTheWireGets400() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      String raw = RawHttp.exchange(h.proxyPort(), "HELLO THERE\r\n\r\n");
      assertThat(raw).matches("(?s)HTTP/1\\.[01] 400 .*");
    }
  }

  @Test
  void requestMetricsAreBoundedAndCountEveryAnswer() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withProxy(c, p -> p.routes(List.of("/users/{id}"))))) {
      for (String path : List.of("/users/1", "/users/2", "/whatever/3")) {
        CLIENT.send(
            HttpRequest.newBuilder(h.uri(path)).build(), HttpResponse.BodyHandlers.discarding());
      }
      CLIENT.send(
          HttpRequest.newBuilder(h.uri("/users/9"))
              .method("BREW", HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
      awaitMetrics(
          h,
          metrics ->
              assertThat(metrics)
                  .contains(
                      "outrigger_requests_total{destination=\"app\",direction=\"inbound\",listener=\""
                          + h.appPort
                          + "\",method=\"GET\",route=\"/users/{id}\",status_code=\"200\"} 2.0")
                  .contains("method=\"GET\",route=\"other\",status_code=\"200\"} 1.0")
                  .contains("method=\"_OTHER\",route=\"/users/{id}\"")
                  .contains("outrigger_request_duration_seconds_bucket{")
                  .contains("outrigger_response_bytes_total{")
                  .contains(
                      "outrigger_active_connections{direction=\"inbound\",listener=\""
                          + h.appPort
                          + "\"}")
                  .doesNotContain("/users/1\""));
    }
  }

  /**
   * Metrics are recorded once the response is fully written, a moment after the client has it: wait
   * for them.
   */
  private static void awaitMetrics(ProxyHarness h, java.util.function.Consumer<String> check) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> check.accept(h.scrape()));
  }
}
