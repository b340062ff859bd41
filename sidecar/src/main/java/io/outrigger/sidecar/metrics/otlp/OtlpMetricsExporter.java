package io.outrigger.sidecar.metrics.otlp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig.OtlpMetricsConfig;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Exports the pod's merged metrics as OTLP metrics over HTTP/protobuf every interval, with the
 * OpenTelemetry SDK's own exporter (which retries with backoff). Sums are cumulative since the
 * sidecar started.
 */
public final class OtlpMetricsExporter {
  private final Vertx vertx;
  private final MergedMetrics metrics;
  private final Resource resource;
  private final MeterRegistry registry;
  private final long startNanos;
  private volatile OtlpMetricsConfig config;
  private volatile OtlpHttpMetricExporter exporter;
  private long timer = -1;

  public OtlpMetricsExporter(
      Vertx vertx, MergedMetrics metrics, Resource resource, MeterRegistry registry) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.resource = resource;
    this.registry = registry;
    this.startNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
  }

  public synchronized void apply(OtlpMetricsConfig next) {
    if (next != null && next.equals(config)) {
      return;
    }
    stop();
    config = next;
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
    if (current == null) {
      return false;
    }
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    CompletableResultCode result =
        current
            .export(OtlpMetricsMapper.map(metrics.families(), resource, startNanos, now))
            .join(10, TimeUnit.SECONDS);
    Counter.builder("outrigger.otlp.metrics.exports")
        .description("OTLP metric exports, by result")
        .tag("result", result.isSuccess() ? "success" : "failure")
        .register(registry)
        .increment();
    return result.isSuccess();
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
