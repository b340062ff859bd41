package io.outrigger.sidecar.metrics.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.outrigger.config.MetricNaming;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.tracing.PodResource;
import io.outrigger.sidecar.tracing.SemconvHttpMetrics;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an OTLP export carries under each naming: the Prometheus families as scraped, or the HTTP
 * semantic conventions' durations in place of the proxy's request families.
 */
class OtlpMetricsNamingTest {
  private final Vertx vertx = Vertx.vertx();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SemconvHttpMetrics conventions =
      new SemconvHttpMetrics(
          PodResource.of(
              SidecarConfig.defaults().tracing(),
              new PodIdentity("p-1", "ns", "n", "u", "p", Map.of())));
  private final OtlpMetricsExporter exporter =
      new OtlpMetricsExporter(
          vertx,
          MergedMetrics.ownOnly(registry),
          PodResource.of(
              SidecarConfig.defaults().tracing(),
              new PodIdentity("p-1", "ns", "n", "u", "p", Map.of())),
          registry,
          conventions);

  @AfterEach
  void close() {
    exporter.stop();
    conventions.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private void oneProxiedRequest() {
    new ProxyMetrics(registry)
        .record("inbound", "http", "GET", 200, "/users/{id}", 2_000_000, 10, 20);
    conventions.server("GET", "http", 200, "/users/{id}", null, "1.1", 2_000_000);
  }

  private static List<String> names(List<MetricData> data) {
    return data.stream().map(MetricData::getName).toList();
  }

  @Test
  void theReplacedFamiliesAreTheOnesTheProxyRegisters() throws Exception {
    oneProxiedRequest();
    List<String> families =
        MergedMetrics.ownOnly(registry).families().stream().map(MetricFamily::name).toList();
    assertThat(families).containsAll(OtlpMetricsExporter.REPLACED_BY_CONVENTIONS);
  }

  @Test
  void prometheusNamingSendsTheFamiliesAsScraped() throws Exception {
    conventions.recording(true);
    oneProxiedRequest();
    List<String> names = names(exporter.payload(MetricNaming.PROMETHEUS, System.nanoTime()));
    assertThat(names)
        .contains(
            "outrigger_requests", "outrigger_request_duration_seconds", "outrigger_request_bytes")
        .doesNotContain("http.server.request.duration");
  }

  @Test
  void opentelemetryNamingSendsTheConventionsDurationsInsteadOfTheRequestFamilies()
      throws Exception {
    conventions.recording(true);
    oneProxiedRequest();
    List<String> names = names(exporter.payload(MetricNaming.OPENTELEMETRY, System.nanoTime()));
    assertThat(names)
        .contains("http.server.request.duration", "outrigger_request_bytes")
        .doesNotContain("outrigger_requests", "outrigger_request_duration_seconds");
  }

  @Test
  void theConventionsAreRecordedOnlyWhileAnExportUsesTheirNames() {
    exporter.apply(
        new SidecarConfig.OtlpMetricsConfig(
            "http://127.0.0.1:1", java.time.Duration.ofHours(1), MetricNaming.OPENTELEMETRY));
    assertThat(conventions.recording()).isTrue();
    exporter.apply(
        new SidecarConfig.OtlpMetricsConfig(
            "http://127.0.0.1:1", java.time.Duration.ofHours(1), MetricNaming.PROMETHEUS));
    assertThat(conventions.recording()).isFalse();
    exporter.apply(null);
    assertThat(conventions.recording()).isFalse();
  }
}
