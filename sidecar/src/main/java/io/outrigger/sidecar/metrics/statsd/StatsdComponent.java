package io.outrigger.sidecar.metrics.statsd;

import io.micrometer.core.instrument.FunctionCounter;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.config.SidecarConfig.StatsdConfig;
import io.outrigger.config.StatsdListen;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.vertx.core.Future;
import java.util.List;

/**
 * The StatsD listener as a component: listening while {@code metrics.enabled} and {@code
 * metrics.statsd} say so (the port itself is bound once, on the pod's loopback unless the policy
 * says {@code listen: pod}), its series part of the merged metrics only while it listens.
 */
public final class StatsdComponent implements Component {
  private final SidecarContext context;
  private final StatsdAggregator aggregator;
  private final StatsdListener listener;
  private volatile boolean listening;

  public StatsdComponent(SidecarContext context) {
    this.context = context;
    MetricsConfig metrics = context.running().get().metrics();
    this.aggregator = new StatsdAggregator(metrics.maxSeries(), metrics.maxLabelValueLength());
    this.listener = new StatsdListener(context.vertx(), aggregator);
    FunctionCounter.builder("outrigger.statsd.lines.rejected", aggregator, a -> a.rejected())
        .description("StatsD lines that could not be parsed")
        .register(context.registry());
    FunctionCounter.builder("outrigger.statsd.series.dropped", aggregator, a -> a.dropped())
        .description("StatsD series left out because the series cap was reached")
        .register(context.registry());
    FunctionCounter.builder(
            "outrigger.statsd.set.members.dropped", aggregator, a -> a.droppedMembers())
        .description("StatsD set members left uncounted because the series cap was reached")
        .register(context.registry());
  }

  /** The aggregated series with {@code labels}; none while the listener is off. */
  public List<MetricFamily> families(Enrichment labels) {
    return listening ? aggregator.families(labels) : List.of();
  }

  @Override
  public synchronized Future<Void> apply(SidecarConfig config) {
    MetricsConfig metrics = config.metrics();
    aggregator.maxSeries(metrics.maxSeries());
    aggregator.maxLabelValueLength(metrics.maxLabelValueLength());
    boolean wanted = metrics.enabled() && metrics.statsd() != null;
    if (wanted == listening) {
      return Future.succeededFuture();
    }
    listening = wanted;
    if (!wanted) {
      return listener.close();
    }
    return listener
        .start(host(metrics.statsd(), context.bindHost()), metrics.statsd().port())
        .mapEmpty();
  }

  /** The pod's loopback unless the policy opens the port to the pod's network. */
  static String host(StatsdConfig statsd, String podBindHost) {
    return statsd.listen() == StatsdListen.POD ? podBindHost : "127.0.0.1";
  }

  @Override
  public Future<Void> stop() {
    return listener.close();
  }
}
