package io.outrigger.sidecar.metrics.statsd;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.vertx.core.Future;
import java.util.List;

/**
 * The StatsD listener as a component: listening while {@code metrics.enabled} and {@code
 * metrics.statsd} say so (the port itself is bound once), its series part of the merged metrics
 * only while it listens.
 */
public final class StatsdComponent implements Component {
  private final SidecarContext context;
  private final StatsdAggregator aggregator;
  private final StatsdListener listener;
  private volatile boolean listening;

  public StatsdComponent(SidecarContext context) {
    this.context = context;
    this.aggregator = new StatsdAggregator(context.running().get().metrics().maxSeries());
    this.listener = new StatsdListener(context.vertx(), aggregator);
  }

  /** The aggregated series with {@code labels}; none while the listener is off. */
  public List<MetricFamily> families(Enrichment labels) {
    return listening ? aggregator.families(labels) : List.of();
  }

  @Override
  public synchronized Future<Void> apply(SidecarConfig config) {
    MetricsConfig metrics = config.metrics();
    aggregator.maxSeries(metrics.maxSeries());
    boolean wanted = metrics.enabled() && metrics.statsd() != null;
    if (wanted == listening) {
      return Future.succeededFuture();
    }
    listening = wanted;
    if (!wanted) {
      return listener.close();
    }
    return listener.start(context.bindHost(), metrics.statsd().port()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    return listener.close();
  }
}
