package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real VictoriaMetrics (Debian) receives the pod's metrics by Prometheus remote write and answers
 * PromQL.
 */
class RemoteWriteIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void victoriaMetricsReceivesTheEnrichedSeries() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path data = Files.createTempDirectory("victoria");
    Process victoria =
        new ProcessBuilder(
                "/usr/bin/victoria-metrics",
                "-httpListenAddr=127.0.0.1:" + port,
                "-storageDataPath=" + data,
                "-search.latencyOffset=0s",
                "-retentionPeriod=1d")
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("victoria.log").toFile())
            .start();
    String base = "http://127.0.0.1:" + port;
    try (Backend app = new Backend()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> get(base + "/health").contains("OK"));
      app.handle(
          r ->
              r.response()
                  .end(
                      r.path().equals("/metrics")
                          ? "# TYPE orders_total counter\norders_total{status=\"paid\"} 42\n"
                          : "ok"));
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "metrics:\n  scrape: {port: "
                  + app.port()
                  + ", interval: 1s}\n  remoteWrite: {url: \""
                  + base
                  + "/api/v1/write\", interval: 1s}\n",
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "POD_NAME",
                  "checkout-1",
                  "POD_NAMESPACE",
                  "shop"),
              List.of("-Xmx64m"))) {
        JsonNode[] result = new JsonNode[1];
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  result[0] = query(base, "orders_total{namespace=\"shop\",pod=\"checkout-1\"}");
                  return result[0].size() == 1;
                });
        JsonNode metric = result[0].get(0).get("metric");
        assertThat(metric.get("status").asText()).isEqualTo("paid");
        assertThat(metric.get("container").asText()).isEqualTo("app");
        assertThat(result[0].get(0).at("/value/1").asText()).isEqualTo("42");
        assertThat(query(base, "outrigger_app_scrape_up{pod=\"checkout-1\"}").size())
            .as("the sidecar's own series too")
            .isEqualTo(1);
        assertThat(sidecar.terminate(Duration.ofSeconds(20))).isZero();
      }
    } finally {
      victoria.destroyForcibly();
    }
  }

  private static JsonNode query(String base, String promql) throws Exception {
    return JSON.readTree(
            get(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .at("/data/result");
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
