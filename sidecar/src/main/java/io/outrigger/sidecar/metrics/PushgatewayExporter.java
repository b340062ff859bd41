package io.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.config.SidecarConfig.PushgatewayConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionWriter;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.Sample;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes the pod's merged metrics to a Prometheus Pushgateway every interval (PUT: the group is
 * replaced, so series the app stopped exposing disappear), under the grouping key job / namespace /
 * pod / pod_uid, and deletes the group when the sidecar stops: the Pushgateway never expires
 * anything, so a group left behind would report a dead pod forever.
 */
public final class PushgatewayExporter {
  private final Vertx vertx;
  private final HttpClient client;
  private final MergedMetrics metrics;
  private final PodIdentity pod;
  private final MeterRegistry registry;
  private volatile PushgatewayConfig config;
  // The latest push, so that a delete is never overtaken by a push that was already under way.
  private volatile Future<Void> pushing = Future.succeededFuture();
  private long timer = -1;

  public PushgatewayExporter(
      Vertx vertx, MergedMetrics metrics, PodIdentity pod, MeterRegistry registry) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.metrics = metrics;
    this.pod = pod;
    this.registry = registry;
  }

  /** Starts, re-targets or (null) stops pushing; a changed target deletes the old group first. */
  public synchronized Future<Void> apply(PushgatewayConfig next) {
    PushgatewayConfig previous = config;
    if (previous != null && previous.equals(next)) {
      return Future.succeededFuture();
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Future<Void> cleared = previous == null ? Future.succeededFuture() : delete(previous);
    config = next;
    if (next != null) {
      timer = vertx.setPeriodic(1, next.interval().toMillis(), id -> push());
    }
    return cleared;
  }

  /** One push of the current metrics; failures are counted and logged, never thrown. */
  public Future<Void> push() {
    PushgatewayConfig target = config;
    if (target == null) {
      return Future.succeededFuture();
    }
    Future<Void> push =
        vertx
            .executeBlocking(() -> body(metrics.families()), false)
            .compose(body -> send(HttpMethod.PUT, target, body))
            .onComplete(done -> outcome("push", done.succeeded(), done.cause()))
            .recover(error -> Future.succeededFuture());
    pushing = push;
    return push;
  }

  /** Stops pushing and deletes the group (on shutdown). */
  public synchronized Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    PushgatewayConfig target = config;
    config = null;
    return target == null ? Future.succeededFuture() : pushing.transform(pushed -> delete(target));
  }

  private Future<Void> delete(PushgatewayConfig target) {
    return send(HttpMethod.DELETE, target, null)
        .onComplete(done -> outcome("delete", done.succeeded(), done.cause()))
        .recover(error -> Future.succeededFuture());
  }

  private Future<Void> send(HttpMethod method, PushgatewayConfig target, String body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setAbsoluteURI(groupUrl(target.url(), groupingKey(target)))
            .setTimeout(target.interval().toMillis())
            .putHeader("content-type", "text/plain; version=0.0.4");
    return client
        .request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        answer ->
                            response.statusCode() / 100 == 2
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(
                                    "pushgateway answered "
                                        + response.statusCode()
                                        + ": "
                                        + answer.toString().strip())));
  }

  /** job (configured, else the workload), namespace, pod and, in a cluster, the pod's UID. */
  Map<String, String> groupingKey(PushgatewayConfig target) {
    Map<String, String> key = new LinkedHashMap<>();
    key.put("job", target.job() != null && !target.job().isBlank() ? target.job() : pod.workload());
    key.put("namespace", pod.namespace());
    key.put("pod", pod.podName());
    if (!pod.podUid().isEmpty()) {
      key.put("pod_uid", pod.podUid());
    }
    return key;
  }

  /**
   * {@code <url>/metrics/job/<job>/<label>/<value>...}, values URL-encoded (base64 form for empty
   * ones).
   */
  static String groupUrl(String base, Map<String, String> key) {
    StringBuilder url =
        new StringBuilder(base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            .append("/metrics");
    key.forEach(
        (name, value) -> {
          url.append('/').append(name);
          if (value.isEmpty()) {
            url.append("@base64/=");
          } else {
            url.append('/')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
          }
        });
    return URI.create(url.toString()).toString();
  }

  /** The text exposition without timestamps, which the Pushgateway refuses. */
  static String body(List<MetricFamily> families) {
    List<MetricFamily> untimed =
        families.stream()
            .map(
                f ->
                    new MetricFamily(
                        f.name(),
                        f.type(),
                        f.help(),
                        f.unit(),
                        f.samples().stream()
                            .map(s -> new Sample(s.name(), s.labels(), s.value(), null, null))
                            .toList()))
            .toList();
    StringBuilder out = new StringBuilder();
    ExpositionWriter.write(untimed, Format.PROMETHEUS_TEXT, out);
    return out.toString();
  }

  private void outcome(String what, boolean ok, Throwable error) {
    Counter.builder("outrigger.pushgateway.requests")
        .description("Requests to the Pushgateway, by kind and result")
        .tags("kind", what, "result", ok ? "success" : "failure")
        .register(registry)
        .increment();
    if (!ok) {
      JsonLog.warn("pushgateway " + what + " failed", "error", String.valueOf(error.getMessage()));
    }
  }
}
