package io.outrigger.sidecar.metrics.otlp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.MetricNaming;
import io.outrigger.config.SidecarConfig.OtlpMetricsConfig;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.outrigger.sidecar.metrics.exposition.ExpositionException;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.tracing.SemconvHttpMetrics;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Exports the pod's merged metrics as OTLP metrics over HTTP/protobuf every interval, with the
 * OpenTelemetry SDK's own exporter (which retries with backoff). Sums are cumulative since the
 * sidecar started. With {@link MetricNaming#OPENTELEMETRY} the sidecar's own request metrics go out
 * under the HTTP semantic conventions' names ({@link SemconvHttpMetrics}) instead of their
 * Prometheus families; everything else is the same either way.
 */
public final class OtlpMetricsExporter {
  /**
   * The Prometheus families of the proxy's request count and duration, which {@code
   * http.server.request.duration} and {@code http.client.request.duration} replace (their count is
   * the request count).
   */
  static final Set<String> REPLACED_BY_CONVENTIONS =
      Set.of("outrigger_requests", "outrigger_request_duration_seconds");

  private final Vertx vertx;
  private final MergedMetrics metrics;
  private final Resource resource;
  private final MeterRegistry registry;
  private final SemconvHttpMetrics conventions;
  private final long startNanos;
  private volatile OtlpMetricsConfig config;
  private volatile OtlpHttpMetricExporter exporter;
  private long timer = -1;

  public OtlpMetricsExporter(
      Vertx vertx,
      MergedMetrics metrics,
      Resource resource,
      MeterRegistry registry,
      SemconvHttpMetrics conventions) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.resource = resource;
    this.registry = registry;
    this.conventions = conventions;
    this.startNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
  }

  public synchronized void apply(OtlpMetricsConfig next) {
    if (next != null && next.equals(config)) {
      return;
    }
    stop();
    config = next;
    conventions.recording(next != null && next.naming() == MetricNaming.OPENTELEMETRY);
    if (next == null) {
      return;
    }
    String endpoint =
        next.endpoint().endsWith("/v1/metrics")
            ? next.endpoint()
            : next.endpoint().replaceAll("/+$", "") + "/v1/metrics";
    exporter = OtlpHttpMetricExporter.builder().setEndpoint(endpoint).build();
    timer =
        vertx.setPeriodic(
            1, next.interval().toMillis(), id -> vertx.executeBlocking(this::exportOnce, false));
  }

  /** One export; returns whether it was accepted. Runs on a worker thread. */
  public boolean exportOnce() throws Exception {
    OtlpHttpMetricExporter current = exporter;
    OtlpMetricsConfig running = config;
    if (current == null || running == null) {
      return false;
    }
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    CompletableResultCode result =
        current.export(payload(running.naming(), now)).join(10, TimeUnit.SECONDS);
    Counter.builder("outrigger.otlp.metrics.exports")
        .description("OTLP metric exports, by result")
        .tag("result", result.isSuccess() ? "success" : "failure")
        .register(registry)
        .increment();
    return result.isSuccess();
  }

  /** What one export sends: the merged families, named as {@code naming} says. */
  List<MetricData> payload(MetricNaming naming, long nowNanos) throws ExpositionException {
    List<MetricFamily> families = metrics.families();
    if (naming == MetricNaming.PROMETHEUS) {
      return OtlpMetricsMapper.map(families, resource, startNanos, nowNanos);
    }
    List<MetricData> data =
        new ArrayList<>(
            OtlpMetricsMapper.map(
                families.stream().filter(f -> !REPLACED_BY_CONVENTIONS.contains(f.name())).toList(),
                resource,
                startNanos,
                nowNanos));
    data.addAll(conventions.collect());
    return data;
  }

  public synchronized void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (exporter != null) {
      exporter.shutdown().join(5, TimeUnit.SECONDS);
      exporter = null;
    }
  }
}
