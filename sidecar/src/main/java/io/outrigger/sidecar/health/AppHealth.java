package io.outrigger.sidecar.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /app-health/<container>/<livez|readyz|startupz>}: runs the app's original probe and
 * answers the kubelet with 200 or 503 and a line saying why. Results are metrics: {@code
 * outrigger_app_probe_total} by result and {@code outrigger_app_probe_healthy} (1 or 0, the
 * latest).
 */
public final class AppHealth {
  private volatile AppProbes probes;
  private final ProbeRunner runner;
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> healthy = new ConcurrentHashMap<>();

  public AppHealth(AppProbes probes, ProbeRunner runner, MeterRegistry registry) {
    this.probes = probes;
    this.runner = runner;
    this.registry = registry;
  }

  /** The probes to run from now on (their default timeout is {@code health.probeTimeout}). */
  public void useProbes(AppProbes next) {
    this.probes = next;
  }

  /** Route handler for {@code /app-health/:container/:kind}. */
  public void handle(RoutingContext ctx) {
    String container = ctx.pathParam("container");
    String kind = ctx.pathParam("kind");
    if (!AppProbe.KINDS.contains(kind)) {
      ctx.response()
          .setStatusCode(404)
          .end("unknown probe kind '" + kind + "': use livez, readyz or startupz\n");
      return;
    }
    AppProbes current = probes;
    AppProbe probe = current.get(container, kind);
    if (probe == null) {
      String problem = current.problem(container, kind);
      ctx.response()
          .setStatusCode(problem != null ? 503 : 404)
          .end(
              problem != null
                  ? "probe " + container + "/" + kind + " unusable: " + problem + "\n"
                  : "no " + kind + " probe for container '" + container + "'\n");
      return;
    }
    run(container, kind, probe)
        .onSuccess(
            result ->
                ctx.response()
                    .setStatusCode(result.healthy() ? 200 : 503)
                    .end(result.detail() + "\n"));
  }

  /** True when every app readiness probe passes now (and when there is none). */
  public Future<Boolean> appReady() {
    List<Future<AppProbe.Result>> checks =
        probes.all().entrySet().stream()
            .filter(e -> e.getKey().endsWith("/readyz"))
            .map(
                e -> {
                  String[] key = e.getKey().split("/", 2);
                  return run(key[0], key[1], e.getValue());
                })
            .toList();
    return Future.all(checks).map(all -> checks.stream().allMatch(f -> f.result().healthy()));
  }

  private Future<AppProbe.Result> run(String container, String kind, AppProbe probe) {
    return runner
        .run(probe)
        .onSuccess(
            result -> {
              Counter.builder("outrigger.app.probe")
                  .description("App probes the sidecar ran for the kubelet, by result")
                  .tags(
                      "container",
                      container,
                      "kind",
                      kind,
                      "result",
                      result.healthy() ? "healthy" : "unhealthy")
                  .register(registry)
                  .increment();
              healthy
                  .computeIfAbsent(
                      container + "/" + kind,
                      k -> {
                        AtomicInteger value = new AtomicInteger();
                        Gauge.builder("outrigger.app.probe.healthy", value, AtomicInteger::get)
                            .description("1 when the app's latest probe passed, else 0")
                            .tags("container", container, "kind", kind)
                            .register(registry);
                        return value;
                      })
                  .set(result.healthy() ? 1 : 0);
            });
  }
}
