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
import org.junit.jupiter.api.Test;

/**
 * The sidecar's /metrics passes promtool's lint and a real Prometheus scrapes it (it negotiates
 * OpenMetrics).
 */
class MetricsExpositionIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void promtoolAcceptsTheExpositionAndPrometheusScrapesIt() throws Exception {
    try (Backend app = new Backend();
        SidecarProcess sidecar =
            SidecarProcess.start(
                "proxy: {routePatterns: [\"/orders/{id}\"]}\n",
                Map.of("OUTRIGGER_INBOUND_PORTS", Integer.toString(app.port())),
                List.of("-Xmx64m"))) {
      app.handle(r -> r.response().setStatusCode(r.path().endsWith("/7") ? 500 : 200).end("x"));
      for (String path : List.of("/orders/1", "/orders/2", "/orders/7", "/health")) {
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + path))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
      URI metrics = URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + "/metrics");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  HTTP.send(
                          HttpRequest.newBuilder(metrics).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()
                      .contains("status_code=\"500\""));
      String text =
          HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
              .body();

      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
      promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      promtool.getOutputStream().close();
      String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor()).as("promtool check metrics said: %s", lint).isZero();

      try (PrometheusServer prometheus =
          PrometheusServer.scraping("sidecar", "127.0.0.1:" + sidecar.telemetryPort())) {
        ObjectMapper json = new ObjectMapper();
        JsonNode[] result = new JsonNode[1];
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  result[0] =
                      json.readTree(
                              prometheus.query(
                                  "sum by (route, status_code) (outrigger_requests_total{job=\"sidecar\"})"))
                          .at("/data/result");
                  return result[0].size() == 3;
                });
        assertThat(result[0].findValuesAsText("route"))
            .containsExactlyInAnyOrder("/orders/{id}", "/orders/{id}", "other");
        JsonNode up =
            json.readTree(prometheus.query("up{job=\"sidecar\"}")).at("/data/result/0/value/1");
        assertThat(up.asText()).isEqualTo("1");
        JsonNode histogram =
            json.readTree(
                    prometheus.query(
                        "histogram_quantile(0.99, sum by (le) (outrigger_request_duration_seconds_bucket))"))
                .at("/data/result");
        assertThat(histogram.size()).as("the latency histogram is usable in PromQL").isEqualTo(1);
      }
    }
  }
}
