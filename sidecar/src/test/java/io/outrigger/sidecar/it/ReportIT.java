package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar process reports to an HTTPS endpoint it trusts through the mounted CA file: with the
 * token read fresh from its file, at once when its state changes, as a heartbeat otherwise, and
 * with backoff while the endpoint refuses, recovering when it accepts again.
 */
class ReportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void reportsReachTheOperatorWithTheCurrentTokenAndFollowItsAnswers(@TempDir Path dir)
      throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Certificates.selfSigned(dir, "outrigger-operator", cert, key);
    Path token = dir.resolve("token");
    Files.writeString(token, "first-token\n");
    Path config = dir.resolve("sidecar.yaml");
    Files.writeString(config, "policy: shop/checkout\n");

    try (ReportReceiver operator = new ReportReceiver(cert, key);
        SidecarProcess sidecar =
            SidecarProcess.start(
                config,
                Map.of(
                    "POD_NAME",
                    "checkout-1",
                    "POD_NAMESPACE",
                    "shop",
                    "OUTRIGGER_REPORT_URL",
                    operator.url(),
                    "OUTRIGGER_REPORT_CA_FILE",
                    cert.toString(),
                    "OUTRIGGER_TOKEN_FILE",
                    token.toString(),
                    "OUTRIGGER_REPORT_HEARTBEAT",
                    "3s"),
                List.of("-Xmx64m"))) {
      await().atMost(Duration.ofSeconds(15)).until(() -> !operator.received.isEmpty());
      ReportReceiver.Received first = operator.received.get(0);
      assertThat(first.authorization()).isEqualTo("Bearer first-token");
      assertThat(first.report().namespace()).isEqualTo("shop");
      assertThat(first.report().pod()).isEqualTo("checkout-1");
      assertThat(first.report().policy()).isEqualTo("checkout");
      assertThat(first.report().configHash()).hasSize(16);
      assertThat(first.report().components()).containsEntry("proxy", "ready");
      assertThat(first.report().components()).doesNotContainKey("report");
      assertThat(operator.malformed).isEmpty();

      // The kubelet rotates projected tokens: the next heartbeat carries the new one.
      Files.writeString(token, "second-token\n");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> operator.received.stream().anyMatch(r -> has(r, "second-token")));

      // A change (here: a new config) is reported without waiting for the heartbeat.
      String before = operator.last().configHash();
      int seen = operator.received.size();
      Files.writeString(config, "policy: shop/checkout\ntracing:\n  samplingRatio: 0.5\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !operator.last().configHash().equals(before));
      assertThat(operator.received.size() - seen)
          .as("reports until the change arrived")
          .isLessThanOrEqualTo(2);

      // Refused: the sidecar says so in /status and keeps trying (with backoff), then recovers.
      operator.answer = 503;
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> reportState(sidecar).path("failures").asInt() >= 2);
      JsonNode refused = reportState(sidecar);
      assertThat(refused.path("state").asText()).isEqualTo("degraded");
      assertThat(refused.path("lastError").asText()).contains("503");
      assertThat(status(sidecar).path("ready").asBoolean())
          .as("reporting never makes the data plane unready")
          .isTrue();
      operator.answer = 202;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> reportState(sidecar).path("state").asText().equals("ready"));
    }
  }

  private static boolean has(ReportReceiver.Received received, String token) {
    return ("Bearer " + token).equals(received.authorization());
  }

  private static JsonNode reportState(SidecarProcess sidecar) throws Exception {
    return status(sidecar).path("components").path("report");
  }

  private static JsonNode status(SidecarProcess sidecar) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.portBase + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
