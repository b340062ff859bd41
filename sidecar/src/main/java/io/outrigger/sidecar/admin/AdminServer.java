package io.outrigger.sidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The admin API on 127.0.0.1 only (15000 in a pod): what an operator on the node, {@code kubectl
 * exec} or {@code kubectl port-forward} uses to look inside and steer one sidecar.
 *
 * <ul>
 *   <li>{@code GET /config}: the effective config, secrets redacted
 *   <li>{@code GET /status}: components, errors, counters, config hash (the document the sidecar
 *       reports)
 *   <li>{@code POST /drain}: readiness goes false so endpoints drop the pod; traffic still served
 *   <li>{@code POST /quitquitquit}: graceful shutdown, then exit 0 (for Jobs and scripts)
 *   <li>{@code GET|POST /loglevel[?level=debug|info|warn|error]}
 * </ul>
 */
public final class AdminServer implements Component {
  /** What the admin API needs from the running sidecar. */
  public interface Control {
    JsonNode redactedConfig();

    JsonNode status();

    void drain();

    void quit();
  }

  private final SidecarContext context;
  private final Control control;
  private HttpServer server;

  /** Listens on the layout's admin port, loopback only. */
  public AdminServer(SidecarContext context, Control control) {
    this.context = context;
    this.control = control;
  }

  /** Listens; the admin API has no settings of its own. */
  @Override
  public Future<Void> start(SidecarConfig first) {
    return start().mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private Future<HttpServer> start() {
    Router router = Router.router(context.vertx());
    router.get("/config").handler(ctx -> json(ctx, control::redactedConfig));
    router.get("/status").handler(ctx -> json(ctx, control::status));
    router.post("/drain").handler(this::drain);
    router.post("/quitquitquit").handler(this::quit);
    router.route("/loglevel").handler(this::logLevel);
    // Loopback only: these endpoints change the sidecar's behaviour and show its config.
    return context
        .vertx()
        .createHttpServer(
            new HttpServerOptions().setHost("127.0.0.1").setPort(context.ports().admin()))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  private static void json(RoutingContext ctx, Supplier<JsonNode> body) {
    ctx.response()
        .putHeader("content-type", "application/json")
        .end(body.get().toPrettyString() + "\n");
  }

  private void drain(RoutingContext ctx) {
    control.drain();
    ctx.response()
        .putHeader("content-type", "text/plain")
        .end("draining: readiness is false, traffic is still served\n");
  }

  private void quit(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-type", "text/plain")
        .end("shutting down: draining in-flight requests, flushing telemetry, then exit 0\n")
        .onComplete(done -> control.quit());
  }

  private void logLevel(RoutingContext ctx) {
    String wanted = ctx.request().getParam("level");
    if (wanted != null && ctx.request().method().name().equals("POST")) {
      try {
        JsonLog.setLevel(JsonLog.Level.valueOf(wanted.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        ctx.response()
            .setStatusCode(400)
            .end("unknown level '" + wanted + "': use debug, info, warn or error\n");
        return;
      }
    }
    ctx.response()
        .putHeader("content-type", "text/plain")
        .end(JsonLog.level().name().toLowerCase(Locale.ROOT) + "\n");
  }
}
