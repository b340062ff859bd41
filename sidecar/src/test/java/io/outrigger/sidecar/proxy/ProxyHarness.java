package io.outrigger.sidecar.proxy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outrigger.config.Propagator;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real backend and the real inbound proxy on ephemeral loopback ports, with spans kept in memory
 * and metrics in a Prometheus registry. Assertions about what the app received are made inside the
 * backend handler.
 */
final class ProxyHarness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();

  /** Each span's attributes when it started: what a sampler could have looked at. */
  final List<Attributes> atStart = new CopyOnWriteArrayList<>();

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Tracing tracing;
  final InboundProxy proxy;
  final int appPort;
  private volatile Handler<HttpServerRequest> backend = request -> request.response().end("ok");
  private final HttpServer backendServer;

  ProxyHarness(UnaryOperator<SidecarConfig> customise) {
    backendServer =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(request -> backend.handle(request))
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    appPort = backendServer.actualPort();
    SidecarConfig config = customise.apply(withSampling(SidecarConfig.defaults(), 1.0));
    tracing =
        new Tracing(
            config.tracing(),
            new PodIdentity("pod-1", "ns", "node-1", "uid-1", "demo", Map.of()),
            SpanProcessor.composite(SimpleSpanProcessor.create(spans), new StartAttributes()));
    proxy =
        new InboundProxy(
            vertx,
            "127.0.0.1",
            List.of(new ListenerPorts(appPort, 0)),
            tracing,
            new ProxyMetrics(registry));
    proxy.start(config.proxy()).toCompletionStage().toCompletableFuture().join();
    proxy.watchTls(config.proxy(), 200);
  }

  ProxyHarness() {
    this(c -> c);
  }

  void backend(Handler<HttpServerRequest> handler) {
    this.backend = handler;
  }

  int proxyPort() {
    return proxy.boundPorts().get(0);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + proxyPort() + path);
  }

  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    tracing.close();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Keeps each span's attributes as they were when it started. */
  private final class StartAttributes implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      atStart.add(span.toSpanData().getAttributes());
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }

  static SidecarConfig withSampling(SidecarConfig c, double ratio) {
    return c.withTracing(c.tracing().withSamplingRatio(ratio));
  }

  static SidecarConfig withPropagators(SidecarConfig c, List<Propagator> propagators) {
    return c.withTracing(c.tracing().withPropagators(propagators));
  }

  static SidecarConfig withProxy(SidecarConfig c, UnaryOperator<ProxyBuilder> change) {
    return c.withProxy(change.apply(new ProxyBuilder(c.proxy())).build());
  }

  /** Changes a few proxy fields of a config in tests without repeating all thirteen. */
  static final class ProxyBuilder {
    private SidecarConfig.ProxyConfig p;

    ProxyBuilder(SidecarConfig.ProxyConfig p) {
      this.p = p;
    }

    ProxyBuilder requestTimeout(Duration timeout) {
      p = p.withRequestTimeout(timeout);
      return this;
    }

    ProxyBuilder rateLimit(double rps, int burst) {
      p = p.withRateLimit(new SidecarConfig.RateLimitConfig(rps, burst));
      return this;
    }

    ProxyBuilder routes(List<String> routes) {
      p = p.withRoutePatterns(routes);
      return this;
    }

    ProxyBuilder tls(String certFile, String keyFile) {
      p = p.withTls(new SidecarConfig.TlsConfig(certFile, keyFile));
      return this;
    }

    SidecarConfig.ProxyConfig build() {
      return p;
    }
  }
}
