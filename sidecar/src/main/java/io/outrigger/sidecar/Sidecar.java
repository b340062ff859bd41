package io.outrigger.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.DurationText;
import io.outrigger.sidecar.admin.AdminServer;
import io.outrigger.sidecar.admin.Redaction;
import io.outrigger.sidecar.component.Bounded;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.Components;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.SidecarVertx;
import io.outrigger.sidecar.component.StatusParts;
import io.outrigger.sidecar.config.ConfigSource;
import io.outrigger.sidecar.config.ConfigState;
import io.outrigger.sidecar.config.ConfigWatcher;
import io.outrigger.sidecar.lifecycle.AppExitWatcher;
import io.outrigger.sidecar.logs.LogsComponent;
import io.outrigger.sidecar.metrics.AppMetricsComponent;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.metrics.SidecarMeters;
import io.outrigger.sidecar.metrics.statsd.StatsdComponent;
import io.outrigger.sidecar.outbound.AmbassadorComponent;
import io.outrigger.sidecar.proxy.InboundComponent;
import io.outrigger.sidecar.report.StatusReporter;
import io.outrigger.sidecar.telemetry.TelemetryComponent;
import io.outrigger.sidecar.tracing.TracingComponent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running sidecar: its components in order ({@link Component}), each config applied to them in
 * that order (the first one starts them), and a shutdown that drains, then stops them in reverse.
 */
public final class Sidecar implements AdminServer.Control {
  /** How the sidecar is started: where its config comes from and which ports it uses. */
  public record Options(
      ConfigSource source,
      Map<String, String> env,
      PortLayout ports,
      String bindHost,
      int eventLoops,
      Duration configPoll) {}

  private final Vertx vertx;
  private final Options options;
  private final PodIdentity pod;
  private final AtomicReference<ConfigState> config;
  private final Components components;
  private final ConfigWatcher watcher;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean started;
  private volatile boolean draining;

  private Sidecar(Vertx vertx, Options options, ConfigSource.Loaded loaded) {
    this.vertx = vertx;
    this.options = options;
    this.pod = PodIdentity.fromEnvironment(options.env());
    this.config = new AtomicReference<>(ConfigState.initial(loaded));
    SidecarContext context =
        new SidecarContext(
            vertx, pod, SidecarMeters.registry(), options, () -> config.get().running());
    TracingComponent tracing = new TracingComponent(context);
    ProxyMetrics red = new ProxyMetrics(context.registry());
    StatsdComponent statsd = new StatsdComponent(context);
    AppMetricsComponent metrics =
        new AppMetricsComponent(context, statsd, tracing.tracing().httpMetrics());
    // Start order; shutdown stops them in reverse, after the drain. /status lists them so.
    this.components =
        new Components(
            new InboundComponent(context, tracing.tracing(), red),
            new AmbassadorComponent(context, tracing.tracing(), red),
            tracing,
            metrics,
            statsd,
            new LogsComponent(context),
            new TelemetryComponent(context, this::ready, metrics.merged()),
            new AdminServer(context, this),
            StatusReporter.fromEnvironment(context, this::status),
            AppExitWatcher.fromEnvironment(context, () -> inThread("app-exited", this::shutdown)));
    this.watcher = new ConfigWatcher(vertx, options.source(), config, components::apply);
  }

  /** Loads the config and starts every component; fails on an invalid config or a busy port. */
  public static Future<Sidecar> start(Options options) {
    ConfigSource.Loaded loaded;
    try {
      loaded = options.source().load();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Vertx vertx = SidecarVertx.create(options.eventLoops());
    Sidecar sidecar = new Sidecar(vertx, options, loaded);
    return sidecar
        .components
        .apply(loaded.config())
        .map(v -> sidecar.started())
        .recover(e -> vertx.close().transform(v -> Future.failedFuture(options.source().named(e))));
  }

  private Sidecar started() {
    started = true;
    watcher.start(options.configPoll());
    JsonLog.info(
        "sidecar ready",
        "telemetryPort",
        options.ports().telemetry(),
        "adminPort",
        options.ports().admin(),
        "policy",
        config.get().running().policy(),
        "configHash",
        config.get().configHash());
    return this;
  }

  /** Ready for traffic: started, not draining, not stopping (/readyz adds the app's readiness). */
  public boolean ready() {
    return started && !draining && !stopping.get();
  }

  @Override
  public JsonNode redactedConfig() {
    return Redaction.redacted(config.get().running());
  }

  @Override
  public JsonNode status() {
    ConfigState state = config.get();
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("sidecarVersion", Version.SIDECAR);
    status.put("policy", state.running().policy());
    pod.describe(status.putObject("pod"));
    status.put("ready", ready());
    status.put("draining", draining);
    state.describe(status.putObject("config"), options.source().describe());
    StatusParts parts = new StatusParts(status);
    if (state.lastError() != null) {
      parts.error("config", state.lastError());
    }
    components.status(parts);
    return status;
  }

  @Override
  public void drain() {
    draining = true;
    JsonLog.info("draining: readiness is false");
  }

  @Override
  public void quit() {
    inThread("quitquitquit", this::shutdown);
  }

  /** Blocks until {@link #shutdown} has finished. */
  public void awaitStopped() {
    stopped.join();
  }

  /**
   * Stops without losing requests: readiness goes false, the components drain (listeners stop
   * accepting, requests in flight get up to {@code proxy.drainTimeout}), then they stop in reverse
   * order (logs delivered, metrics flushed, spans exported). Runs once; later calls wait for it.
   */
  public void shutdown() {
    if (!stopping.compareAndSet(false, true)) {
      stopped.join();
      return;
    }
    Duration drain = config.get().running().proxy().drainTimeout();
    JsonLog.info("sidecar draining", "drainTimeout", DurationText.format(drain));
    long begin = System.nanoTime();
    watcher.stop();
    components.drainAndStop(drain);
    Bounded.await("vert.x did not close cleanly", vertx.close(), Duration.ofSeconds(5));
    JsonLog.info("sidecar stopped", "tookMillis", (System.nanoTime() - begin) / 1_000_000);
    stopped.complete(null);
  }

  private static void inThread(String name, Runnable task) {
    new Thread(task, "outrigger-" + name).start();
  }
}
