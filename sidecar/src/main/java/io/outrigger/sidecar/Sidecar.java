package io.outrigger.sidecar;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.proxy.InboundProxy;
import io.outrigger.sidecar.proxy.ListenerPorts;
import io.outrigger.sidecar.telemetry.TelemetryServer;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running sidecar: its components wired together, started in order and stopped without losing
 * requests.
 */
public final class Sidecar {
  private final Vertx vertx;
  private final SidecarConfig config;
  private final PrometheusMeterRegistry registry;
  private final Tracing tracing;
  private final InboundProxy proxy;
  private final TelemetryServer telemetry;
  private volatile boolean ready;

  private Sidecar(
      Vertx vertx,
      SidecarConfig config,
      PodIdentity pod,
      List<ListenerPorts> listeners,
      String bindHost,
      int eventLoops) {
    this.vertx = vertx;
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two of Micrometer's process meters break Prometheus naming rules (promtool: "_ns" unit,
    // "_count" suffix on a
    // gauge); the rest of the process metrics stay.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    // Quotes in help text are escaped as \" in OpenMetrics, which older parsers (promtool 2.42)
    // reject.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public io.micrometer.core.instrument.Meter.Id map(
                  io.micrometer.core.instrument.Meter.Id id) {
                String help = id.getDescription();
                return help == null || !help.contains("\"")
                    ? id
                    : new io.micrometer.core.instrument.Meter.Id(
                        id.getName(),
                        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(),
                        help.replace('"', '\''),
                        id.getType());
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.tracing = new Tracing(config.tracing(), pod);
    this.proxy =
        new InboundProxy(
            vertx, bindHost, listeners, tracing, new ProxyMetrics(registry), eventLoops);
    this.telemetry = new TelemetryServer(vertx, registry, () -> ready);
  }

  /** Starts every component; the returned future fails when a port cannot be bound. */
  public static Future<Sidecar> start(
      SidecarConfig config, PodIdentity pod, PortLayout ports, String bindHost, int eventLoops) {
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2));
    List<ListenerPorts> listeners = listeners(config, ports);
    io.outrigger.sidecar.tracing.VertxGrpcSenderProvider.useVertx(vertx);
    Sidecar sidecar = new Sidecar(vertx, config, pod, listeners, bindHost, eventLoops);
    Future<Void> proxyStarted =
        config.proxy().enabled() ? sidecar.proxy.start(config.proxy()) : Future.succeededFuture();
    return proxyStarted
        .compose(v -> sidecar.telemetry.start(bindHost, ports.telemetry()))
        .map(
            server -> {
              sidecar.ready = true;
              for (int i = 0; i < listeners.size(); i++) {
                JsonLog.info(
                    "inbound listener ready",
                    "appPort",
                    listeners.get(i).appPort(),
                    "port",
                    sidecar.proxy.boundPorts().get(i));
              }
              JsonLog.info(
                  "sidecar ready",
                  "telemetryPort",
                  sidecar.telemetry.port(),
                  "policy",
                  config.policy());
              return sidecar;
            })
        .recover(error -> vertx.close().transform(ignored -> Future.failedFuture(error)));
  }

  /** The app ports to intercept (config, minus skipped) and the listener each gets. */
  static List<ListenerPorts> listeners(SidecarConfig config, PortLayout ports) {
    List<ListenerPorts> listeners = new ArrayList<>();
    for (Integer appPort : config.proxy().appPorts()) {
      if (!config.proxy().skipPorts().contains(appPort)) {
        listeners.add(new ListenerPorts(appPort, ports.inbound(listeners.size())));
      }
    }
    return listeners;
  }

  public boolean ready() {
    return ready;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Tracing tracing() {
    return tracing;
  }

  public InboundProxy proxy() {
    return proxy;
  }

  /**
   * Stops without losing requests: readiness goes false, listeners stop accepting, in-flight
   * requests get up to the drain timeout, then pending spans are flushed and everything closes.
   */
  public void shutdown() {
    ready = false;
    Duration drain = config.proxy().drainTimeout();
    JsonLog.info("sidecar draining", "drainTimeout", drain.toString());
    try {
      proxy
          .close(drain.toMillis())
          .toCompletionStage()
          .toCompletableFuture()
          .get(drain.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      JsonLog.warn("drain did not finish cleanly", "error", String.valueOf(e));
    }
    tracing.flush(Duration.ofSeconds(5));
    tracing.close();
    telemetry.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      JsonLog.warn("vert.x did not close cleanly", "error", String.valueOf(e));
    }
    JsonLog.info("sidecar stopped");
  }
}
