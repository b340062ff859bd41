package io.outrigger.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.config.DurationText;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.sidecar.admin.AdminServer;
import io.outrigger.sidecar.admin.Redaction;
import io.outrigger.sidecar.config.ConfigSource;
import io.outrigger.sidecar.config.ConfigState;
import io.outrigger.sidecar.config.ConfigWatcher;
import io.outrigger.sidecar.health.AppHealth;
import io.outrigger.sidecar.health.AppProbes;
import io.outrigger.sidecar.health.ProbeRunner;
import io.outrigger.sidecar.lifecycle.AppExitWatcher;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogPipeline;
import io.outrigger.sidecar.logs.output.LogOutputs;
import io.outrigger.sidecar.metrics.AppMetricsScraper;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.metrics.PushgatewayExporter;
import io.outrigger.sidecar.metrics.ScrapeTarget;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.otlp.OtlpMetricsExporter;
import io.outrigger.sidecar.metrics.remote.RemoteWriteExporter;
import io.outrigger.sidecar.metrics.statsd.StatsdAggregator;
import io.outrigger.sidecar.metrics.statsd.StatsdListener;
import io.outrigger.sidecar.outbound.OutboundProxy;
import io.outrigger.sidecar.proxy.InboundProxy;
import io.outrigger.sidecar.proxy.ListenerPorts;
import io.outrigger.sidecar.report.ReportSettings;
import io.outrigger.sidecar.report.StatusReporter;
import io.outrigger.sidecar.telemetry.TelemetryServer;
import io.outrigger.sidecar.tracing.Tracing;
import io.outrigger.sidecar.tracing.VertxGrpcSenderProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running sidecar: its components wired together, started in order, reconfigured live, and
 * stopped without losing requests.
 */
public final class Sidecar implements AdminServer.Control {
  public static final String VERSION = "0.1.0";
  private static final ObjectMapper JSON = new ObjectMapper();

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
  private final PrometheusMeterRegistry registry;
  private final Tracing tracing;
  private final InboundProxy proxy;
  private final OutboundProxy outbound;
  private final List<ListenerPorts> listeners;
  private final TelemetryServer telemetry;
  private final AdminServer admin;
  private final ConfigWatcher watcher;
  private final AppExitWatcher appExit;
  private final AppMetricsScraper scraper;
  private final MergedMetrics merged;
  private final PushgatewayExporter pushgateway;
  private final RemoteWriteExporter remoteWrite;
  private final OtlpMetricsExporter otlpMetrics;
  private final StatsdAggregator statsd;
  private final StatsdListener statsdListener;
  private final LogPipeline logs;
  private final StatusReporter reporter;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean started;
  private volatile boolean draining;

  private Sidecar(Vertx vertx, Options options, ConfigSource.Loaded loaded) {
    this.vertx = vertx;
    this.options = options;
    this.pod = PodIdentity.fromEnvironment(options.env());
    SidecarConfig initial = loaded.config();
    this.config = new AtomicReference<>(ConfigState.initial(initial, loaded.fingerprint()));
    this.registry = newRegistry();
    this.tracing = new Tracing(initial.tracing(), pod);
    this.listeners = listeners(initial, options.ports());
    ProxyMetrics proxyMetrics = new ProxyMetrics(registry);
    this.proxy =
        new InboundProxy(
            vertx, options.bindHost(), listeners, tracing, proxyMetrics, options.eventLoops());
    this.outbound = new OutboundProxy(vertx, tracing, proxyMetrics);
    AppProbes probes =
        AppProbes.parse(
            options.env().get(SidecarEnvironment.APP_PROBES), initial.health().probeTimeout());
    AppHealth appHealth = new AppHealth(probes, new ProbeRunner(vertx), registry);
    this.scraper =
        new AppMetricsScraper(vertx, registry, enrichment(initial, appContainer(options.env())));
    this.statsd = new StatsdAggregator(initial.metrics().maxSeries());
    this.statsdListener = new StatsdListener(vertx, statsd);
    Enrichment appEnrichment = enrichment(initial, appContainer(options.env()));
    MergedMetrics merged =
        new MergedMetrics(
            registry,
            () -> appAndStatsd(scraper.latest(), statsd.families(appEnrichment)),
            enrichment(
                initial,
                options.env().getOrDefault("OUTRIGGER_SIDECAR_CONTAINER", "outrigger-sidecar")));
    this.merged = merged;
    this.pushgateway = new PushgatewayExporter(vertx, merged, pod, registry);
    this.remoteWrite = new RemoteWriteExporter(vertx, merged, registry);
    this.otlpMetrics =
        new OtlpMetricsExporter(vertx, merged, Tracing.resource(initial.tracing(), pod), registry);
    this.telemetry =
        new TelemetryServer(
            vertx,
            registry,
            this::ready,
            appHealth,
            initial.health().readinessIncludesApp(),
            merged);
    this.logs =
        new LogPipeline(vertx, registry, pod, appContainer(options.env()), this::logOutputs);
    this.admin = new AdminServer(vertx, this);
    this.watcher = new ConfigWatcher(vertx, options.source(), config, this::applyLive);
    this.appExit =
        "true".equalsIgnoreCase(options.env().get(SidecarEnvironment.WAIT_FOR_APP_EXIT))
            ? new AppExitWatcher(
                vertx,
                Path.of("/proc"),
                () -> new Thread(this::shutdown, "outrigger-app-exited").start())
            : null;
    this.reporter =
        ReportSettings.fromEnvironment(options.env())
            .map(settings -> new StatusReporter(vertx, settings, this::status, Clock.systemUTC()))
            .orElse(null);
  }

  /**
   * Loads the config, starts every component; fails when the config is invalid or a port cannot be
   * bound.
   */
  public static Future<Sidecar> start(Options options) {
    ConfigSource.Loaded loaded;
    try {
      loaded = options.source().load();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(options.eventLoops())
                .setWorkerPoolSize(2)
                // Native epoll where available: the ambassador reads SO_ORIGINAL_DST through it.
                .setPreferNativeTransport(true));
    // Export over gRPC shares the sidecar's event loops instead of starting its own.
    VertxGrpcSenderProvider.useVertx(vertx);
    Sidecar sidecar = new Sidecar(vertx, options, loaded);
    SidecarConfig initial = loaded.config();
    Future<Void> proxyStarted =
        initial.proxy().enabled() ? sidecar.proxy.start(initial.proxy()) : Future.succeededFuture();
    Future<?> statsdStarted =
        initial.metrics().enabled() && initial.metrics().statsd() != null
            ? sidecar.statsdListener.start(options.bindHost(), initial.metrics().statsd().port())
            : Future.succeededFuture();
    Future<?> outboundStarted =
        initial.proxy().enabled() && initial.proxy().outbound().enabled()
            ? sidecar
                .outbound
                .start(
                    "127.0.0.1",
                    options.ports().outbound(),
                    initial.proxy().outbound(),
                    initial.proxy().connectTimeout())
                .onSuccess(port -> JsonLog.info("outbound proxy ready", "port", port))
            : Future.succeededFuture();
    return proxyStarted
        .compose(v -> outboundStarted)
        .compose(v -> statsdStarted)
        .compose(v -> sidecar.telemetry.start(options.bindHost(), options.ports().telemetry()))
        .compose(v -> sidecar.admin.start(options.ports().admin()))
        .map(
            v -> {
              sidecar.scraper.apply(
                  initial.metrics(), ScrapeTarget.resolve(initial.metrics(), options.env()));
              sidecar.pushgateway.apply(initial.metrics().pushgateway());
              sidecar.remoteWrite.apply(initial.metrics().remoteWrite());
              sidecar.otlpMetrics.apply(initial.metrics().otlp());
              if (initial.logs().enabled()) {
                sidecar.startLogs(initial);
              }
              sidecar.watcher.start(options.configPoll());
              sidecar.proxy.watchTls(initial.proxy(), 2000);
              if (sidecar.appExit != null) {
                sidecar.appExit.start(2000);
              }
              sidecar.started = true;
              if (sidecar.reporter != null) {
                sidecar.reporter.start();
              }
              for (int i = 0; i < sidecar.listeners.size(); i++) {
                JsonLog.info(
                    "inbound listener ready",
                    "appPort",
                    sidecar.listeners.get(i).appPort(),
                    "port",
                    sidecar.proxy.boundPorts().get(i));
              }
              JsonLog.info(
                  "sidecar ready",
                  "telemetryPort",
                  sidecar.telemetry.port(),
                  "adminPort",
                  sidecar.admin.port(),
                  "policy",
                  initial.policy(),
                  "configHash",
                  sidecar.config.get().configHash());
              return sidecar;
            })
        .recover(error -> vertx.close().transform(ignored -> Future.failedFuture(error)));
  }

  private void startLogs(SidecarConfig initial) {
    try {
      logs.start(initial.logs());
    } catch (IllegalArgumentException e) {
      String source = String.valueOf(options.source().file());
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      throw new io.outrigger.config.InvalidConfigException(
          source,
          "",
          colon > 0 ? message.substring(0, colon) : "logs",
          colon > 0 ? message.substring(colon + 2) : message);
    }
  }

  /** The log outputs a config turns on, as one output that acknowledges when all of them did. */
  private List<LogOutput> logOutputs(SidecarConfig.LogOutputsConfig outputs) {
    LogOutputs all =
        LogOutputs.from(
            outputs, vertx, registry, Tracing.resource(config.get().running().tracing(), pod));
    return all.names().isEmpty() ? List.of() : List.of(all);
  }

  /** The app ports to intercept (config, minus skipped) and the listener each gets. */
  static List<ListenerPorts> listeners(SidecarConfig config, PortLayout ports) {
    List<ListenerPorts> listeners = new ArrayList<>();
    for (int appPort : config.proxy().listenerAppPorts()) {
      listeners.add(new ListenerPorts(appPort, ports.inbound(listeners.size())));
    }
    return listeners;
  }

  /**
   * Ready for traffic: started, not draining, not stopping. (The app's readiness is added by
   * /readyz.)
   */
  public boolean ready() {
    return started && !draining && !stopping.get();
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

  public ConfigState configState() {
    return config.get();
  }

  /** Re-reads the config file now instead of at the next poll (tests, and SIGHUP-like use). */
  public String reloadNow() {
    return watcher.check();
  }

  private void applyLive(SidecarConfig next) {
    proxy.apply(next.proxy());
    outbound.apply(next.proxy().outbound());
    tracing.apply(next.tracing());
    scraper.apply(next.metrics(), ScrapeTarget.resolve(next.metrics(), options.env()));
    pushgateway.apply(next.metrics().enabled() ? next.metrics().pushgateway() : null);
    remoteWrite.apply(next.metrics().enabled() ? next.metrics().remoteWrite() : null);
    otlpMetrics.apply(next.metrics().enabled() ? next.metrics().otlp() : null);
    logs.apply(next.logs());
  }

  /**
   * The labels every series gets: the pod's identity, {@code container}, and the pod labels the
   * policy lists.
   */
  private Enrichment enrichment(SidecarConfig config, String container) {
    return new Enrichment(
        Enrichment.targetLabels(
            pod.namespace(),
            pod.podName(),
            pod.nodeName(),
            container,
            pod.workload(),
            pod.labels(),
            config.metrics().podLabels()));
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

  /**
   * The app's container for the {@code container} label: the first one the webhook names, else
   * "app".
   */
  private static String appContainer(Map<String, String> env) {
    String containers = env.get(SidecarEnvironment.APP_CONTAINERS);
    return containers == null || containers.isBlank() ? "app" : containers.split(",")[0].trim();
  }

  @Override
  public JsonNode redactedConfig() {
    return Redaction.redacted(config.get().running());
  }

  @Override
  public JsonNode status() {
    ConfigState state = config.get();
    ObjectNode status = JSON.createObjectNode();
    status.put("sidecarVersion", VERSION);
    status.put("policy", state.running().policy());
    ObjectNode podNode = status.putObject("pod");
    podNode
        .put("name", pod.podName())
        .put("namespace", pod.namespace())
        .put("node", pod.nodeName())
        .put("uid", pod.podUid());
    status.put("ready", ready());
    status.put("draining", draining);
    ObjectNode configNode = status.putObject("config");
    configNode.put("hash", state.configHash());
    configNode.put(
        "source",
        String.valueOf(options.source().file() == null ? "defaults" : options.source().file()));
    configNode.put("loadedAt", state.loadedAt().toString());
    configNode.put("reloads", state.reloads());
    ArrayNode restart = configNode.putArray("restartRequired");
    state.restartRequired().forEach(restart::add);
    if (state.lastError() != null) {
      configNode.put("lastError", state.lastError());
      configNode.put("lastErrorAt", state.lastErrorAt().toString());
    }
    ObjectNode components = status.putObject("components");
    ObjectNode proxyNode = components.putObject("proxy");
    proxyNode.put(
        "state", !state.running().proxy().enabled() ? "disabled" : started ? "ready" : "starting");
    ArrayNode listenerNodes = proxyNode.putArray("listeners");
    for (int i = 0; i < listeners.size() && started; i++) {
      listenerNodes
          .addObject()
          .put("appPort", listeners.get(i).appPort())
          .put("port", proxy.boundPorts().get(i));
    }
    ObjectNode tracingNode = components.putObject("tracing");
    tracingNode.put("state", tracing.enabled() ? "ready" : "disabled");
    tracingNode.put(
        "exporter",
        state.running().tracing().exporter().protocol().name().toLowerCase().replace('_', '-'));
    tracingNode.put("samplingRatio", tracing.samplingRatio());
    String scrapeFailure = scraper.lastFailure();
    components
        .putObject("metrics")
        .put(
            "state",
            !state.running().metrics().enabled()
                ? "disabled"
                : scrapeFailure != null ? "degraded" : "ready");
    components.set("logs", logs.status(state.running().logs().enabled()));
    if (reporter != null) {
      components.set("report", reporter.describe());
    }
    ObjectNode counters = status.putObject("counters");
    counters.put("requests", sum("outrigger.requests"));
    counters.put("upstreamFailures", sum("outrigger.upstream.failures"));
    ArrayNode errors = status.putArray("errors");
    if (state.lastError() != null) {
      errors.addObject().put("component", "config").put("message", state.lastError());
    }
    if (scrapeFailure != null && state.running().metrics().enabled()) {
      errors.addObject().put("component", "metrics").put("message", scrapeFailure);
    }
    return status;
  }

  private long sum(String counter) {
    return (long) registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Override
  public void drain() {
    draining = true;
    JsonLog.info("draining: readiness is false");
  }

  @Override
  public void quit() {
    new Thread(this::shutdown, "outrigger-quitquitquit").start();
  }

  /** Blocks until {@link #shutdown} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops without losing requests: readiness goes false, listeners stop accepting, in-flight
   * requests get up to the drain timeout, then pending spans are flushed and everything closes.
   * Runs once; later calls wait for it.
   */
  public void shutdown() {
    if (!stopping.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    Duration drain = config.get().running().proxy().drainTimeout();
    JsonLog.info("sidecar draining", "drainTimeout", DurationText.format(drain));
    long begin = System.nanoTime();
    watcher.stop();
    scraper.stop();
    if (reporter != null) {
      reporter.stop();
    }
    if (appExit != null) {
      appExit.stop();
    }
    // In a pod, connections keep arriving until every node has dropped the pod from the Service's
    // endpoints: refusing them at once fails requests during every rollout.
    long accept = options.env().containsKey("KUBERNETES_SERVICE_HOST") ? drain.toMillis() : 0;
    try {
      proxy
          .close(accept, drain.toMillis())
          .toCompletionStage()
          .toCompletableFuture()
          .get(accept + drain.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      JsonLog.warn("drain did not finish cleanly", "error", String.valueOf(e));
    }
    // After the drain: the app's last requests may have logged. Before Vert.x closes: outputs
    // need it.
    logs.stop(Duration.ofSeconds(10));
    otlpMetrics.stop();
    try {
      remoteWrite.flush().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      JsonLog.warn("remote write did not flush", "error", String.valueOf(e));
    }
    try {
      // The Pushgateway keeps groups forever: remove this pod's before going away.
      pushgateway.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      JsonLog.warn("could not delete the pushgateway group", "error", String.valueOf(e));
    }
    tracing.flush(Duration.ofSeconds(5));
    tracing.close();
    telemetry.close();
    admin.close();
    statsdListener.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      JsonLog.warn("vert.x did not close cleanly", "error", String.valueOf(e));
    }
    JsonLog.info("sidecar stopped", "tookMillis", (System.nanoTime() - begin) / 1_000_000);
    stopped.countDown();
  }

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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
              public Meter.Id map(Meter.Id id) {
                String help = id.getDescription();
                return help == null || !help.contains("\"")
                    ? id
                    : new Meter.Id(
                        id.getName(),
                        Tags.of(id.getTagsAsIterable()),
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
    return registry;
  }
}
