package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged Quarkus app ({@code target/quarkus-app/quarkus-run.jar}) as a process against the
 * real API server, configured only by environment: it reconciles, serves HTTPS with the certificate
 * it issued itself, reports health and metrics, and logs JSON.
 */
class OperatorProcessIT {
  private static final String NS = "op-process";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static KubernetesClient client;
  private static Process process;
  private static Path log;
  private static int httpPort;
  private static int httpsPort;
  private static int reportsPort;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, NS);
    ApiServer.namespace(client, ApiServer.OPERATOR_NAMESPACE);
    Path work = Files.createTempDirectory("outrigger-operator-process");
    Path kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, RealKubeApiServer.kubeConfigYaml());
    log = work.resolve("operator.log");
    httpPort = freePort();
    httpsPort = freePort();
    reportsPort = freePort();
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
    assertThat(jar).as("mvn package builds the app before the ITs").exists();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("OUTRIGGER_ADMISSION_PORT", Integer.toString(httpsPort));
    builder.environment().put("OUTRIGGER_ADMISSION_HOST", "127.0.0.1");
    builder.environment().put("OUTRIGGER_REPORTS_PORT", Integer.toString(reportsPort));
    builder.environment().put("OUTRIGGER_REPORTS_HOST", "127.0.0.1");
    builder.environment().put("OUTRIGGER_NAMESPACE", ApiServer.OPERATOR_NAMESPACE);
    builder.environment().put("OUTRIGGER_WATCH_NAMESPACES", NS);
    builder.environment().put("OUTRIGGER_CERTIFICATES_DIR", work.resolve("tls").toString());
    builder.environment().put("OUTRIGGER_CERTIFICATES_IP_ADDRESSES", "127.0.0.1");
    builder.environment().put("OUTRIGGER_LEADER_ELECTION_IDENTITY", "process-it");
    process = builder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the operator did not stop within 30 s of SIGTERM");
      }
    }
    if (client != null) {
      client.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePackagedOperatorReconcilesServesHttpsAndReportsHealthMetricsAndJsonLogs()
      throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get("/q/health/ready").statusCode() == 200);
    assertThat(get("/q/health/live").statusCode()).isEqualTo(200);

    client.resource(ApiServer.policy(NS, "web", new ObservabilityPolicySpec())).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              ObservabilityPolicy policy =
                  client.resources(ObservabilityPolicy.class).inNamespace(NS).withName("web").get();
              return PolicyStatusBuilder.find(policy.getStatus(), OperatorNames.READY)
                  .map(c -> "True".equals(c.getStatus()))
                  .orElse(false);
            });

    String secretBundle =
        new String(
            java.util.Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(ApiServer.OPERATOR_NAMESPACE)
                        .withName(OperatorNames.WEBHOOK_SECRET)
                        .get()
                        .getData()
                        .get("ca-bundle.crt")));
    HttpResponse<String> unauthenticated =
        new Https(secretBundle).post(reportsPort, "/v1/reports", null, "{}");
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    // Admission is its own server: reports are not served there.
    assertThat(new Https(secretBundle).post(httpsPort, "/v1/reports", null, "{}").statusCode())
        .isEqualTo(404);

    String metrics = get("/q/metrics").body();
    assertThat(metrics)
        .contains("outrigger_reconcile_duration_seconds_count")
        .contains("outrigger_status_writes_total")
        .contains("outrigger_webhook_admissions_total{dry_run=\"false\",result=\"injected\"}")
        .contains("outrigger_reports_total{code=\"401\"} 1.0");

    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    assertThat(lines).isNotEmpty();
    assertThat(lines.stream().filter(l -> !l.isBlank()))
        .as("every log line is a JSON object")
        .allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    assertThat(String.join("\n", lines)).contains("serving admission on https://");
  }
}
