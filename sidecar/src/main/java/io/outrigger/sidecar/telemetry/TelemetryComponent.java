package io.outrigger.sidecar.telemetry;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.HealthConfig;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.health.AppHealth;
import io.outrigger.sidecar.health.AppProbes;
import io.outrigger.sidecar.health.ProbeRunner;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The telemetry port (15020) as a component: {@code /metrics}, {@code /healthz}, {@code /readyz}
 * and the app's rewritten probes, whose settings ({@code health}) follow every config.
 */
public final class TelemetryComponent implements Component {
  private final SidecarContext context;
  private final AppHealth appHealth;
  private final TelemetryServer server;
  private Duration probeTimeout;

  /**
   * @param ready whether the sidecar's components are started and it is not draining
   */
  public TelemetryComponent(SidecarContext context, BooleanSupplier ready, MergedMetrics metrics) {
    this.context = context;
    HealthConfig health = context.running().get().health();
    this.probeTimeout = health.probeTimeout();
    this.appHealth =
        new AppHealth(probes(probeTimeout), new ProbeRunner(context.vertx()), context.registry());
    this.server =
        new TelemetryServer(
            context.vertx(),
            context.registry(),
            ready,
            appHealth,
            health.readinessIncludesApp(),
            metrics);
  }

  @Override
  public Future<Void> apply(SidecarConfig config) {
    HealthConfig health = config.health();
    server.readinessIncludesApp(health.readinessIncludesApp());
    if (!health.probeTimeout().equals(probeTimeout)) {
      probeTimeout = health.probeTimeout();
      appHealth.useProbes(probes(probeTimeout));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> start(SidecarConfig first) {
    apply(first);
    return server.start(context.bindHost(), context.ports().telemetry()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    return server.close();
  }

  private AppProbes probes(Duration defaultTimeout) {
    return AppProbes.parse(context.env().get(SidecarEnvironment.APP_PROBES), defaultTimeout);
  }
}
