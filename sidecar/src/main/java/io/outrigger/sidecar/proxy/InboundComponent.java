package io.outrigger.sidecar.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.StatusParts;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The inbound proxy as a component: one listener per intercepted app port, bound at start, timeouts
 * and limits applied live, drained first at shutdown. Its {@code /status} part is the listeners and
 * the request counters.
 */
public final class InboundComponent implements Component {
  private final SidecarContext context;
  private final List<ListenerPorts> listeners;
  private final InboundProxy proxy;
  private volatile boolean enabled;
  private volatile boolean listening;

  public InboundComponent(SidecarContext context, Tracing tracing, ProxyMetrics metrics) {
    this.context = context;
    this.listeners = context.ports().listeners(context.running().get().proxy());
    this.proxy =
        new InboundProxy(
            context.vertx(), context.bindHost(), listeners, tracing, metrics, context.eventLoops());
  }

  @Override
  public Future<Void> start(SidecarConfig config) {
    enabled = config.proxy().enabled();
    if (!enabled) {
      return Future.succeededFuture();
    }
    return proxy
        .start(config.proxy())
        .onSuccess(
            v -> {
              for (int i = 0; i < listeners.size(); i++) {
                JsonLog.info(
                    "inbound listener ready",
                    "appPort",
                    listeners.get(i).appPort(),
                    "port",
                    proxy.boundPorts().get(i));
              }
              proxy.watchTls(config.proxy(), 2000);
              listening = true;
            });
  }

  @Override
  public Future<Void> apply(SidecarConfig next) {
    proxy.apply(next.proxy());
    return Future.succeededFuture();
  }

  /**
   * Listeners stop accepting; requests in flight get up to {@code timeout}. In a pod they first
   * keep accepting for {@code timeout}, every answer closing its connection: connections keep
   * arriving until every node has dropped the pod from the Service's endpoints, and refusing them
   * at once fails requests during every rollout.
   */
  @Override
  public Future<Void> drain(Duration timeout) {
    return proxy.close(context.inPod() ? timeout.toMillis() : 0, timeout.toMillis());
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }

  @Override
  public void status(StatusParts status) {
    ObjectNode node = status.component("proxy");
    node.put("state", !enabled ? "disabled" : listening ? "ready" : "starting");
    ArrayNode bound = node.putArray("listeners");
    for (int i = 0; i < listeners.size() && listening; i++) {
      bound
          .addObject()
          .put("appPort", listeners.get(i).appPort())
          .put("port", proxy.boundPorts().get(i));
    }
    status.counter("requests", sum("outrigger.requests"));
    status.counter("upstreamFailures", sum("outrigger.upstream.failures"));
  }

  private long sum(String counter) {
    return (long)
        context.registry().find(counter).counters().stream().mapToDouble(Counter::count).sum();
  }
}
