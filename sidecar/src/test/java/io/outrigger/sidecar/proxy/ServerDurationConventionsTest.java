package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code http.server.request.duration} of real requests through the real proxy, as the HTTP
 * semantic conventions define the metric: a histogram in seconds with their bucket boundaries and
 * their attributes.
 */
class ServerDurationConventionsTest {
  private static final List<Double> CONVENTIONS_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private static ProxyHarness harness() {
    ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withProxy(c, p -> p.routes(List.of("/users/{id}"))));
    h.tracing.httpMetrics().recording(true);
    return h;
  }

  private static void request(ProxyHarness h, String requestLine) throws Exception {
    RawHttp.exchange(
        h.proxyPort(), requestLine + " HTTP/1.1\r\nHost: users.svc\r\nConnection: close\r\n\r\n");
  }

  private static Optional<MetricData> duration(ProxyHarness h) {
    return h.tracing.httpMetrics().collect().stream()
        .filter(m -> m.getName().equals("http.server.request.duration"))
        .findFirst();
  }

  private static HistogramPointData point(ProxyHarness h, Attributes attributes) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                duration(h).stream()
                    .flatMap(m -> m.getHistogramData().getPoints().stream())
                    .anyMatch(p -> p.getAttributes().equals(attributes)));
    return duration(h).orElseThrow().getHistogramData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theServerDurationIsAHistogramInSecondsWithTheConventionsBucketsAndAttributes()
      throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /users/42");

      HistogramPointData point =
          point(
              h,
              Attributes.builder()
                  .put(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
                  .put(UrlAttributes.URL_SCHEME, "http")
                  .put(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1")
                  .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
                  .put(HttpAttributes.HTTP_ROUTE, "/users/{id}")
                  .build());
      MetricData metric = duration(h).orElseThrow();
      assertThat(metric.getUnit()).isEqualTo("s");
      assertThat(point.getBoundaries()).isEqualTo(CONVENTIONS_BUCKETS);
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(point.getSum()).as("seconds, not milliseconds").isBetween(0.0, 5.0);
    }
  }

  @Test
  void anUnknownMethodIsOtherAndAPathNoRouteMatchesHasNoRoute() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "PROPFIND /dav/x");

      point(
          h,
          Attributes.builder()
              .put(HttpAttributes.HTTP_REQUEST_METHOD, "_OTHER")
              .put(UrlAttributes.URL_SCHEME, "http")
              .put(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1")
              .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
              .build());
    }
  }

  @Test
  void aFiveHundredCarriesItsStatusAsErrorType() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(r -> r.response().setStatusCode(503).end());
      request(h, "GET /users/1");

      point(
          h,
          Attributes.builder()
              .put(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
              .put(UrlAttributes.URL_SCHEME, "http")
              .put(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1")
              .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 503L)
              .put(HttpAttributes.HTTP_ROUTE, "/users/{id}")
              .put(ErrorAttributes.ERROR_TYPE, "503")
              .build());
    }
  }

  @Test
  void aRateLimitedRequestIsMeasuredWithoutAnError() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withProxy(c, p -> p.rateLimit(0.001, 1)))) {
      h.tracing.httpMetrics().recording(true);
      request(h, "GET /a");
      request(h, "GET /b");

      point(
          h,
          Attributes.builder()
              .put(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
              .put(UrlAttributes.URL_SCHEME, "http")
              .put(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1")
              .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 429L)
              .build());
    }
  }

  @Test
  void nothingIsRecordedWhileNoExportAsksForTheConventionsNames() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      request(h, "GET /users/1");
      await().atMost(Duration.ofSeconds(5)).until(() -> h.spans.getFinishedSpanItems().size() == 1);
      assertThat(h.tracing.httpMetrics().collect()).isEmpty();
    }
  }
}
