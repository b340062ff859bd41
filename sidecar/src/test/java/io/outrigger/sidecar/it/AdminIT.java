package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin API of a running sidecar process: config (redacted), status, log level, drain and
 * quitquitquit.
 */
class AdminIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void adminEndpointsShowAndSteerTheSidecar() throws Exception {
    try (Backend app = new Backend();
        SidecarProcess sidecar =
            SidecarProcess.start(
                "policy: shop/checkout\ntracing:\n  exporter: {protocol: otlp-http, endpoint: \"http://127.0.0.1:1\", headers: {authorization: \"Bearer s3cr3t\"}}\n",
                Map.of(
                    "OUTRIGGER_INBOUND_PORTS",
                    Integer.toString(app.port()),
                    "POD_NAME",
                    "checkout-1",
                    "POD_NAMESPACE",
                    "shop"),
                List.of("-Xmx64m"))) {
      String admin = "http://127.0.0.1:" + sidecar.portBase;
      String telemetry = "http://127.0.0.1:" + sidecar.telemetryPort();
      HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/"))
              .build(),
          HttpResponse.BodyHandlers.discarding());

      String config = get(admin + "/config").body();
      assertThat(config).contains("\"authorization\" : \"<redacted>\"").doesNotContain("s3cr3t");

      JsonNode status = JSON.readTree(get(admin + "/status").body());
      assertThat(status.at("/policy").asText()).isEqualTo("shop/checkout");
      assertThat(status.at("/pod/name").asText()).isEqualTo("checkout-1");
      assertThat(status.at("/ready").asBoolean()).isTrue();
      assertThat(status.at("/config/hash").asText()).hasSize(16);
      assertThat(status.at("/components/proxy/listeners/0/appPort").asInt()).isEqualTo(app.port());
      assertThat(status.at("/components/tracing/exporter").asText()).isEqualTo("otlp-http");
      // The request is counted once its response is fully written, a moment after the client has
      // it.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  JSON.readTree(get(admin + "/status").body()).at("/counters/requests").asLong()
                      == 1);

      assertThat(get(admin + "/loglevel").body().strip()).isEqualTo("info");
      assertThat(post(admin + "/loglevel?level=debug").body().strip()).isEqualTo("debug");
      assertThat(post(admin + "/loglevel?level=chatty").statusCode()).isEqualTo(400);

      assertThat(get(telemetry + "/readyz").statusCode()).isEqualTo(200);
      assertThat(post(admin + "/drain").statusCode()).isEqualTo(200);
      assertThat(get(telemetry + "/readyz").statusCode()).as("draining: not ready").isEqualTo(503);
      assertThat(get(telemetry + "/healthz").statusCode()).as("but alive").isEqualTo(200);
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .as("draining still serves traffic")
          .isEqualTo(200);

      assertThat(post(admin + "/quitquitquit").statusCode()).isEqualTo(200);
      assertThat(sidecar.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(sidecar.process.exitValue()).isZero();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
