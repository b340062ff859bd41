package io.outrigger.sidecar.telemetry;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.sidecar.health.AppHealth;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * The pod-facing telemetry port (15020): {@code /metrics} for Prometheus (text or OpenMetrics, as
 * the scraper's Accept header asks), {@code /healthz} (the process is alive) and {@code /readyz}
 * (ready to take traffic).
 */
public final class TelemetryServer {
  static final String OPENMETRICS = "application/openmetrics-text";
  private static final int CHUNK_CHARS = 64 * 1024;
  static final int MAX_CONCURRENT_RENDERS = 4;
  private static final int CHUNKS_IN_FLIGHT = 4;
  private static final Duration READER_STALL = Duration.ofSeconds(10);
  private static final String OPENMETRICS_TYPE =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;
  private final AppHealth appHealth;
  private volatile boolean readinessIncludesApp;
  private final MergedMetrics metrics;
  private final Semaphore renders = new Semaphore(MAX_CONCURRENT_RENDERS);
  // Threads of their own: a render waiting on a slow reader never holds a thread that scrape
  // parsing and the other blocking work need.
  private WorkerExecutor renderers;
  private HttpServer server;

  /**
   * @param ready whether the sidecar's own components are ready (and it is not draining)
   * @param readinessIncludesApp whether {@code /readyz} also runs the app's readiness probes
   */
  public TelemetryServer(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      AppHealth appHealth,
      boolean readinessIncludesApp,
      MergedMetrics metrics) {
    this.vertx = vertx;
    this.registry = registry;
    this.ready = ready;
    this.appHealth = appHealth;
    this.readinessIncludesApp = readinessIncludesApp;
    this.metrics = metrics;
  }

  /** Without the app's metrics: only the sidecar's own (tests of health and proxy). */
  public TelemetryServer(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      AppHealth appHealth,
      boolean readinessIncludesApp) {
    this(vertx, registry, ready, appHealth, readinessIncludesApp, MergedMetrics.ownOnly(registry));
  }

  /** Whether {@code /readyz} runs the app's readiness probes from now on. */
  public void readinessIncludesApp(boolean included) {
    this.readinessIncludesApp = included;
  }

  public Future<HttpServer> start(String host, int port) {
    renderers =
        vertx.createSharedWorkerExecutor("outrigger-metrics-render", MAX_CONCURRENT_RENDERS);
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/healthz").handler(this::alive);
    router.get("/readyz").handler(this::readiness);
    router.get("/app-health/:container/:kind").handler(appHealth::handle);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    if (renderers != null) {
      renderers.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void metrics(RoutingContext ctx) {
    String accept = ctx.request().getHeader("accept");
    boolean openMetrics = accept != null && accept.contains(OPENMETRICS);
    String contentType = openMetrics ? OPENMETRICS_TYPE : TEXT_TYPE;
    HttpServerResponse response = ctx.response();
    if (!renders.tryAcquire()) {
      // Each render holds its families and a chunk; more at once than scrapers need is refused
      // rather than queued behind clients that may not be reading.
      response
          .setStatusCode(503)
          .putHeader("retry-after", "1")
          .putHeader("content-type", "text/plain")
          .end("busy: " + MAX_CONCURRENT_RENDERS + " /metrics answers are being written\n");
      return;
    }
    BlockingChunkWriter writer = new BlockingChunkWriter(response, CHUNKS_IN_FLIGHT, READER_STALL);
    // Rendering walks every meter and the app's series: off the event loop, so proxied requests
    // never wait, and unordered, so a slow reader of one answer never delays another. It streams in
    // chunks with backpressure: a large exposition is never whole in memory, and a reader that
    // stops reading holds one chunk.
    renderers
        .executeBlocking(
            () -> {
              Format format = openMetrics ? Format.OPENMETRICS : Format.PROMETHEUS_TEXT;
              boolean[] started = {false};
              metrics.render(
                  format,
                  CHUNK_CHARS,
                  chunk -> {
                    if (!started[0]) {
                      started[0] = true;
                      response.setChunked(true).putHeader("content-type", contentType);
                    }
                    try {
                      writer.write(chunk);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
              if (!started[0]) {
                response.putHeader("content-type", contentType);
              }
              return null;
            },
            false)
        .onComplete(
            done -> {
              renders.release();
              if (done.succeeded()) {
                response.end();
              } else if (done.cause() instanceof UncheckedIOException) {
                // The client went away or stopped reading: nothing to answer, the connection goes.
                response.reset();
              } else {
                ctx.fail(done.cause());
              }
            });
  }

  private void alive(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain").end("ok\n");
  }

  private void readiness(RoutingContext ctx) {
    if (!ready.getAsBoolean()) {
      ctx.response()
          .setStatusCode(503)
          .putHeader("content-type", "text/plain")
          .end("not ready: sidecar\n");
      return;
    }
    if (!readinessIncludesApp) {
      ctx.response().putHeader("content-type", "text/plain").end("ready\n");
      return;
    }
    appHealth
        .appReady()
        .onSuccess(
            appReady -> {
              if (appReady) {
                ctx.response().putHeader("content-type", "text/plain").end("ready\n");
              } else {
                ctx.response()
                    .setStatusCode(503)
                    .putHeader("content-type", "text/plain")
                    .end("not ready: app\n");
              }
            });
  }
}
