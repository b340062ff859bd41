package io.outrigger.sidecar.outbound;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.interception.NativeTransport;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;

/**
 * The outbound ambassador as a component: bound on 127.0.0.1 at start when the proxy and {@code
 * proxy.outbound} are enabled. Its settings are all restart-only, so a reload brings it nothing.
 */
public final class AmbassadorComponent implements Component {
  private final SidecarContext context;
  private final OutboundProxy outbound;

  public AmbassadorComponent(SidecarContext context, Tracing tracing, ProxyMetrics metrics) {
    this.context = context;
    this.outbound = new OutboundProxy(context.vertx(), tracing, metrics);
  }

  @Override
  public Future<Void> start(SidecarConfig config) {
    ProxyConfig proxy = config.proxy();
    if (!proxy.enabled() || !proxy.outbound().enabled()) {
      return Future.succeededFuture();
    }
    if (!context.vertx().isNativeTransportEnabled()) {
      // The init container already refused captured outbound traffic without it; an explicit
      // proxy works, but say once why captured non-HTTP connections would be closed.
      JsonLog.warn(
          "outbound proxy without the native epoll transport: connections redirected by iptables"
              + " cannot be passed through (no SO_ORIGINAL_DST)",
          "cause",
          String.valueOf(NativeTransport.epoll().cause()));
    }
    return outbound
        .start("127.0.0.1", context.ports().outbound(), proxy.outbound(), proxy.connectTimeout())
        .onSuccess(port -> JsonLog.info("outbound proxy ready", "port", port))
        .mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    return outbound.stop();
  }
}
