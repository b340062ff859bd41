package io.outrigger.sidecar.tracing;

import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.StatusParts;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Tracing as a component. The tracer provider is built from the first config, because the proxies
 * are wired to it and its resource is fixed for the life of the process; sampling, propagators and
 * the exporter follow every config. At shutdown, pending spans are flushed.
 */
public final class TracingComponent implements Component {
  private final Tracing tracing;
  private volatile SidecarConfig.TracingConfig config;

  public TracingComponent(SidecarContext context) {
    this.config = context.running().get().tracing();
    this.tracing = new Tracing(config, context.pod());
    tracing.bindMetrics(context.registry());
  }

  /** The tracer the proxies use. */
  public Tracing tracing() {
    return tracing;
  }

  @Override
  public Future<Void> apply(SidecarConfig next) {
    tracing.apply(next.tracing());
    config = next.tracing();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    tracing.flush(Duration.ofSeconds(5));
    tracing.close();
    return Future.succeededFuture();
  }

  @Override
  public void status(StatusParts status) {
    List<String> missing = tracing.missingHeaders();
    var node =
        status
            .component("tracing")
            .put(
                "state", !tracing.enabled() ? "disabled" : missing.isEmpty() ? "ready" : "degraded")
            .put("exporter", config.exporter().protocol().name().toLowerCase().replace('_', '-'))
            .put("samplingRatio", tracing.samplingRatio());
    if (!missing.isEmpty()) {
      node.put("lastError", String.join("; ", missing));
    }
  }
}
