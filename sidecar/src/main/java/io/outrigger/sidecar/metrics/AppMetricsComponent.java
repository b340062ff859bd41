package io.outrigger.sidecar.metrics;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.component.Bounded;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.StatusParts;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.otlp.OtlpMetricsExporter;
import io.outrigger.sidecar.metrics.remote.RemoteWriteExporter;
import io.outrigger.sidecar.metrics.statsd.StatsdComponent;
import io.outrigger.sidecar.tracing.SemconvHttpMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The app's metrics as a component: the scraper, the pod's labels on every series, the merged
 * exposition and its exporters (Pushgateway, remote write, OTLP). Every config, the first included,
 * goes through {@link #apply}: {@code metrics.enabled} off stops the scrape and every exporter.
 */
public final class AppMetricsComponent implements Component {
  private final SidecarContext context;
  private final AppMetricsScraper scraper;
  private final MergedMetrics merged;
  private final PushgatewayExporter pushgateway;
  private final RemoteWriteExporter remoteWrite;
  private final OtlpMetricsExporter otlp;
  private volatile Enrichment appLabels;
  private List<String> podLabels;

  /**
   * @param conventions the proxy's request durations under the HTTP semantic conventions' names,
   *     which the OTLP export sends when its naming asks for them
   */
  public AppMetricsComponent(
      SidecarContext context, StatsdComponent statsd, SemconvHttpMetrics conventions) {
    this.context = context;
    SidecarConfig first = context.running().get();
    this.appLabels = labels(first.metrics(), context.appContainer());
    this.scraper = new AppMetricsScraper(context.vertx(), context.registry(), appLabels);
    this.merged =
        new MergedMetrics(
            context.registry(),
            () -> appAndStatsd(scraper.latest(), statsd.families(appLabels)),
            labels(first.metrics(), context.sidecarContainer()));
    this.pushgateway =
        new PushgatewayExporter(context.vertx(), merged, context.pod(), context.registry());
    this.remoteWrite = new RemoteWriteExporter(context.vertx(), merged, context.registry());
    // The resource is restart-only: the first config's is the one for the life of the process.
    this.otlp =
        new OtlpMetricsExporter(
            context.vertx(),
            merged,
            Tracing.resource(first.tracing(), context.pod()),
            context.registry(),
            conventions);
  }

  /** Everything this pod exposes: what 15020/metrics serves. */
  public MergedMetrics merged() {
    return merged;
  }

  @Override
  public Future<Void> apply(SidecarConfig config) {
    MetricsConfig metrics = config.metrics();
    if (!Objects.equals(podLabels, metrics.podLabels())) {
      podLabels = metrics.podLabels();
      appLabels = labels(metrics, context.appContainer());
      scraper.enrichWith(appLabels);
      merged.ownLabels(labels(metrics, context.sidecarContainer()));
    }
    scraper.apply(metrics, ScrapeTarget.resolve(metrics, context.env()));
    boolean on = metrics.enabled();
    pushgateway.apply(on ? metrics.pushgateway() : null);
    remoteWrite.apply(on ? metrics.remoteWrite() : null);
    otlp.apply(on ? metrics.otlp() : null);
    return Future.succeededFuture();
  }

  /** Stops scraping, sends what remote write holds and deletes the Pushgateway group. */
  @Override
  public Future<Void> stop() {
    scraper.stop();
    otlp.stop();
    Bounded.await("remote write did not flush", remoteWrite.flush(), Duration.ofSeconds(5));
    // The Pushgateway keeps groups forever: remove this pod's before going away.
    Bounded.await(
        "could not delete the pushgateway group", pushgateway.stop(), Duration.ofSeconds(5));
    return Future.succeededFuture();
  }

  @Override
  public void status(StatusParts status) {
    boolean on = context.running().get().metrics().enabled();
    String failure = scraper.lastFailure();
    status
        .component("metrics")
        .put("state", !on ? "disabled" : failure != null ? "degraded" : "ready");
    if (on && failure != null) {
      status.error("metrics", failure);
    }
  }

  /**
   * The labels every series of {@code container} gets: the pod's identity and the pod labels the
   * policy lists.
   */
  private Enrichment labels(MetricsConfig metrics, String container) {
    PodIdentity pod = context.pod();
    return new Enrichment(
        Enrichment.targetLabels(
            pod.namespace(),
            pod.podName(),
            pod.nodeName(),
            container,
            pod.workload(),
            pod.labels(),
            metrics.podLabels()));
  }

  private static List<MetricFamily> appAndStatsd(
      List<MetricFamily> scraped, List<MetricFamily> statsd) {
    if (statsd.isEmpty()) {
      return scraped;
    }
    List<MetricFamily> all = new ArrayList<>(scraped);
    all.addAll(statsd);
    return all;
  }
}
