package io.outrigger.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.config.Scheme;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.config.SidecarConfig.ScrapeConfig;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus at the scraper: a real HTTP target answers each case; the scraper either
 * takes the whole exposition (with caps applied and counted) or refuses it whole with a reason, and
 * keeps working for the next.
 */
class AppMetricsScraperTest {
  private static final int MAX_SERIES = 100;
  private static Vertx vertx;
  private static HttpServer target;
  private static final AtomicReference<Consumer<HttpServerRequest>> answer =
      new AtomicReference<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    target =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(r -> answer.get().accept(r))
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  record Case(Consumer<HttpServerRequest> target, int series, String errorReason) {}

  static Stream<Arguments> corpus() {
    return Stream.of(
        ok("plain text exposition", text("# TYPE a gauge\na 1\nb{x=\"y\"} 2\n"), 2),
        ok(
            "NaN and infinities in every accepted spelling",
            text("a NaN\nb +Inf\nc -Inf\nd inf\n"),
            4),
        ok(
            "OpenMetrics with exemplars",
            om(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 1 # {trace_id=\"a\"} 0.5\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0.5\n# EOF\n"),
            4),
        ok(
            "gzip-compressed body",
            r ->
                r.response()
                    .putHeader("content-encoding", "gzip")
                    .end(Buffer.buffer(gzip("a 1\nb 2\n"))),
            2),
        ok("empty body: an app with no metrics yet", text(""), 0),
        ok(
            "label explosion: capped, the rest dropped and counted",
            text(explosion(1000)),
            MAX_SERIES),
        ok("a 10 MB exposition", text(big(10 * 1024 * 1024)), MAX_SERIES),
        refused("unterminated label value", text("a{x=\"\\\"} 1\n"), "malformed_labels"),
        refused(
            "duplicate TYPE",
            text("# TYPE a gauge\n# TYPE a counter\na 1\n"),
            "malformed_metadata_order"),
        refused(
            "duplicate series", text("a{x=\"1\"} 1\na{x=\"1\"} 2\n"), "malformed_duplicate_series"),
        refused(
            "invalid UTF-8",
            r ->
                r.response()
                    .end(
                        Buffer.buffer(
                            new byte[] {
                              'a',
                              '{',
                              'x',
                              '=',
                              '"',
                              (byte) 0xC3,
                              (byte) 0x28,
                              '"',
                              '}',
                              ' ',
                              '1',
                              '\n'
                            })),
            "malformed_invalid_utf8"),
        refused(
            "truncated OpenMetrics body (no # EOF)", om("# TYPE a gauge\na 1\n"), "malformed_eof"),
        refused(
            "an HTML error page instead of metrics",
            text("<html><body>Oops</body></html>\n"),
            "malformed_metric_name"),
        refused(
            "binary garbage",
            r -> r.response().end(Buffer.buffer(new byte[] {0, 1, 2, 3, '\n'})),
            "malformed_metric_name"),
        refused("HTTP 500", r -> r.response().setStatusCode(500).end("boom"), "http_500"),
        refused(
            "chunked body past 64 MiB: refused as it arrives",
            r -> {
              Buffer megabyte = Buffer.buffer("a 1\n".repeat(256 * 1024));
              r.response().setChunked(true);
              for (int i = 0; i < 65; i++) {
                r.response().write(megabyte);
              }
              r.response().end();
            },
            "too_large"),
        refused(
            "slow target past the timeout",
            r -> vertx.setTimer(5_000, t -> r.response().end("a 1\n")),
            "unreachable"),
        refused(
            "connection closed mid-body",
            r ->
                r.response()
                    .setChunked(true)
                    .write("a 1\nb")
                    .onComplete(x -> r.connection().close()),
            "unreachable"));
  }

  private static Arguments ok(String name, Consumer<HttpServerRequest> target, int series) {
    return Arguments.of(name, new Case(target, series, null));
  }

  private static Arguments refused(String name, Consumer<HttpServerRequest> target, String reason) {
    return Arguments.of(name, new Case(target, 0, reason));
  }

  @org.junit.jupiter.api.Test
  void theBodyCapIsASixteenthOfTheHeapBetweenOneAnd64Mebibytes() {
    int mib = 1024 * 1024;
    assertThat(AppMetricsScraper.maxBodyBytes(64L * mib))
        .as("the launcher's heap at the default 192Mi limit")
        .isEqualTo(4 * mib);
    assertThat(AppMetricsScraper.maxBodyBytes(4L * mib)).isEqualTo(mib);
    assertThat(AppMetricsScraper.maxBodyBytes(96L * mib)).isEqualTo(6 * mib);
    assertThat(AppMetricsScraper.maxBodyBytes(8L << 30)).isEqualTo(64 * mib);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  @org.junit.jupiter.api.Timeout(30)
  void eachCaseIsTakenWholeOrRefusedWhole(String name, Case c) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AppMetricsScraper scraper =
        new AppMetricsScraper(vertx, registry, new Enrichment(Map.of("pod", "p")));
    MetricsConfig metrics =
        new MetricsConfig(true, null, List.of(), MAX_SERIES, 1024, null, null, null, null);
    ScrapeConfig scrape =
        new ScrapeConfig(
            target.actualPort(),
            "/metrics",
            Scheme.HTTP,
            Duration.ofSeconds(30),
            // Generous for a cold JVM on a busy machine; the slow target answers after 5 s.
            Duration.ofMillis(2_000));
    // A good scrape first, so a refusal visibly empties the app's part.
    answer.set(text("before 1\n"));
    scraper.configure(metrics, scrape);
    scraper.scrapeOnce().toCompletionStage().toCompletableFuture().join();
    assertThat(scraper.latest()).hasSize(1);

    answer.set(c.target());
    scraper.scrapeOnce().toCompletionStage().toCompletableFuture().join();

    int series = scraper.latest().stream().mapToInt(f -> f.samples().size()).sum();
    String metricsText = registry.scrape();
    if (c.errorReason() == null) {
      assertThat(series).isEqualTo(c.series());
      assertThat(scraper.lastFailure()).isNull();
      assertThat(metricsText).contains("outrigger_app_scrape_up 1.0");
      if (name.startsWith("label explosion") || name.startsWith("a 10 MB")) {
        assertThat(metricsText).containsPattern("outrigger_app_scrape_series_dropped_total [1-9]");
      }
    } else {
      assertThat(series).as("nothing half-exposed").isZero();
      assertThat(scraper.lastFailure())
          .as("what the status and the operator's report show")
          .startsWith(
              "scrape of :" + target.actualPort() + "/metrics failed (" + c.errorReason() + ")");
      assertThat(metricsText)
          .contains("outrigger_app_scrape_up 0.0")
          .contains("outrigger_app_scrape_errors_total{reason=\"" + c.errorReason() + "\"} 1.0");
    }
    answer.set(text("after 1\n"));
    scraper.scrapeOnce().toCompletionStage().toCompletableFuture().join();
    assertThat(scraper.latest()).as("the scraper keeps working").hasSize(1);
    scraper.stop();
  }

  private static Consumer<HttpServerRequest> text(String body) {
    return r -> r.response().putHeader("content-type", "text/plain; version=0.0.4").end(body);
  }

  private static Consumer<HttpServerRequest> om(String body) {
    return r ->
        r.response()
            .putHeader("content-type", "application/openmetrics-text; version=1.0.0")
            .end(body);
  }

  private static String explosion(int n) {
    StringBuilder body = new StringBuilder("# TYPE user_hits counter\n");
    for (int i = 0; i < n; i++) {
      body.append("user_hits_total{user=\"u").append(i).append("\"} 1\n");
    }
    return body.toString();
  }

  private static String big(int bytes) {
    StringBuilder body = new StringBuilder("# TYPE big gauge\n");
    for (int i = 0; body.length() < bytes; i++) {
      body.append("big{instance=\"host-")
          .append(i)
          .append("\",zone=\"eu-west-1a\"} ")
          .append(i)
          .append('\n');
    }
    return body.toString();
  }

  private static byte[] gzip(String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(text.getBytes());
      }
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
