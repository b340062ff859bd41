package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real Pushgateway (Debian's prometheus-pushgateway) receives the pod's merged metrics under the
 * grouping key job/namespace/pod/pod_uid, and the group is gone after the sidecar shuts down.
 */
class PushgatewayIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pushesTheGroupAndDeletesItOnShutdown() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("pushgateway", ".log");
    Process pushgateway =
        new ProcessBuilder(
                "/usr/bin/prometheus-pushgateway", "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String base = "http://127.0.0.1:" + port;
    try (Backend app = new Backend()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> get(base + "/-/ready").statusCode() == 200);
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
                  + ", interval: 1s}\n  pushgateway: {url: \""
                  + base
                  + "\", job: checkout, interval: 1s}\n",
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "POD_NAME",
                  "checkout-1",
                  "POD_NAMESPACE",
                  "shop",
                  "POD_UID",
                  "7c1e-uid"),
              List.of("-Xmx64m"))) {
        JsonNode[] group = new JsonNode[1];
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  for (JsonNode g :
                      JSON.readTree(get(base + "/api/v1/metrics").body()).path("data")) {
                    if (g.has("orders_total")) {
                      group[0] = g;
                      return true;
                    }
                  }
                  return false;
                });
        JsonNode labels = group[0].get("labels");
        assertThat(labels.get("job").asText()).isEqualTo("checkout");
        assertThat(labels.get("namespace").asText()).isEqualTo("shop");
        assertThat(labels.get("pod").asText()).isEqualTo("checkout-1");
        assertThat(labels.get("pod_uid").asText()).isEqualTo("7c1e-uid");
        JsonNode orders = group[0].at("/orders_total/metrics/0");
        assertThat(orders.at("/labels/status").asText()).isEqualTo("paid");
        assertThat(orders.at("/labels/container").asText()).isEqualTo("app");
        assertThat(orders.get("value").asText()).isEqualTo("42");
        assertThat(
                group[0].has("outrigger_requests_total") || group[0].has("outrigger_app_scrape_up"))
            .isTrue();

        assertThat(sidecar.terminate(Duration.ofSeconds(20))).isZero();
        JsonNode after = JSON.readTree(get(base + "/api/v1/metrics").body()).path("data");
        assertThat(after)
            .as("the pod's group is deleted on shutdown")
            .noneMatch(g -> g.at("/labels/pod").asText().equals("checkout-1"));
      }
    } finally {
      pushgateway.destroyForcibly();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
