package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The adapter pattern end to end: the sidecar scrapes the app's plain metrics, adds the pod's
 * identity, and serves them merged with its own on /metrics, where promtool accepts them and a real
 * Prometheus queries them by the new labels. A malformed app exposition is refused whole: the app's
 * series vanish, the sidecar's stay.
 */
class MetricsMergeIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_METRICS =
      """
      # HELP orders_total Orders placed.
      # TYPE orders_total counter
      orders_total{pod="app-internal-name",status="paid"} 42
      # TYPE queue_depth gauge
      queue_depth 7
      # TYPE jvm_threads_live_threads gauge
      jvm_threads_live_threads 31
      """;

  @Test
  void theAppsMetricsAreEnrichedMergedAndQueryable() throws Exception {
    AtomicReference<String> exposition = new AtomicReference<>(APP_METRICS);
    try (Backend app = new Backend()) {
      app.handle(
          r -> {
            if (r.path().equals("/metrics")) {
              r.response()
                  .putHeader("content-type", "text/plain; version=0.0.4")
                  .end(exposition.get());
            } else {
              r.response().end("ok");
            }
          });
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "metrics: {scrape: {port: "
                  + app.port()
                  + ", interval: 1s}, podLabels: [\"app.kubernetes.io/name\"]}\n",
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "POD_NAME",
                  "checkout-7d9f",
                  "POD_NAMESPACE",
                  "shop",
                  "NODE_NAME",
                  "node-a",
                  "OUTRIGGER_WORKLOAD",
                  "checkout",
                  "OUTRIGGER_APP_CONTAINERS",
                  "web"),
              List.of("-Xmx64m"))) {
        URI metrics = URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + "/metrics");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> get(metrics, null).contains("queue_depth{"));
        String text = get(metrics, null);
        assertThat(text)
            .contains(
                "orders_total{exported_pod=\"app-internal-name\",status=\"paid\",namespace=\"shop\",pod=\"checkout-7d9f\","
                    + "node=\"node-a\",container=\"web\",workload=\"checkout\"} 42")
            .contains(
                "outrigger_app_scrape_up{namespace=\"shop\",pod=\"checkout-7d9f\",node=\"node-a\",container=\"outrigger-sidecar\"")
            .contains(
                "jvm_threads_live_threads{namespace=\"shop\",pod=\"checkout-7d9f\",node=\"node-a\",container=\"web\"");
        assertThat(
                text.lines().filter(l -> l.equals("# TYPE jvm_threads_live_threads gauge")).count())
            .as("the app's and the sidecar's family of the same name share one TYPE line")
            .isEqualTo(1);
        assertThat(promtool(text)).isEmpty();
        String openMetrics = get(metrics, "application/openmetrics-text; version=1.0.0");
        assertThat(openMetrics).endsWith("# EOF\n").contains("# TYPE orders counter");
        OpenMetricsCheck.Result strict = OpenMetricsCheck.parse(openMetrics);
        assertThat(strict.accepted())
            .as("the Prometheus Python client's OpenMetrics parser: %s", strict.complaint())
            .isTrue();
        assertThat(strict.samples()).isGreaterThan(10);
        // The check can fail: the same exposition without its # EOF is refused.
        assertThat(OpenMetricsCheck.parse(openMetrics.replace("# EOF\n", "")).accepted()).isFalse();

        try (PrometheusServer prometheus =
            PrometheusServer.scraping("pod", "127.0.0.1:" + sidecar.telemetryPort())) {
          JsonNode[] result = new JsonNode[1];
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> {
                    result[0] =
                        JSON.readTree(
                                prometheus.query(
                                    "orders_total{namespace=\"shop\",workload=\"checkout\"}"))
                            .at("/data/result");
                    return result[0].size() == 1;
                  });
          JsonNode labels = result[0].get(0).get("metric");
          assertThat(labels.get("pod").asText()).isEqualTo("checkout-7d9f");
          assertThat(labels.get("container").asText()).isEqualTo("web");
          assertThat(labels.get("exported_pod").asText()).isEqualTo("app-internal-name");
          assertThat(result[0].get(0).at("/value/1").asText()).isEqualTo("42");
        }

        exposition.set(APP_METRICS + "broken{x=\"1\"} not-a-number\n");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !get(metrics, null).contains("queue_depth{"));
        String afterBreak = get(metrics, null);
        assertThat(afterBreak)
            .contains("outrigger_app_scrape_up{")
            .contains("outrigger_app_scrape_errors_total{");
        assertThat(afterBreak)
            .as("nothing half-merged")
            .doesNotContain("orders_total{")
            .doesNotContain("broken{");
        assertThat(afterBreak).containsPattern("outrigger_app_scrape_up\\{[^}]*} 0");
        assertThat(promtool(afterBreak)).isEmpty();
        exposition.set(APP_METRICS);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> get(metrics, null).contains("queue_depth{"));
      }
    }
  }

  private static String get(URI uri, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (accept != null) {
      request.header("accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** promtool's complaints; empty when it accepts the exposition. */
  private static String promtool(String exposition) throws Exception {
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return promtool.waitFor() == 0 ? "" : out;
  }
}
