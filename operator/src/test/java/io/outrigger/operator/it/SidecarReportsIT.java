package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.MetricsSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.spec.ScrapeSpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole status loop with real parts: the packaged sidecar runs the policy's rendered config
 * (what the webhook writes into the pod) as a process with a token minted by the real API server's
 * TokenRequest API, reports over HTTPS, and its scrape error shows in the policy's status
 * (Degraded, with the pod counted). Then the policy is edited: the new config reaches the running
 * sidecar in the answer to its report (ADR 0010), and the status shows the error of the new config.
 */
class SidecarReportsIT {
  private static final String NS = "op-sidecar-reports";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aRunningSidecarsScrapeErrorReachesThePolicyStatus(@TempDir Path dir) throws Exception {
    KubernetesClient client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, NS);

    TlsMaterial tls = ApiServer.loopbackTls(dir, "localhost");

    int closedPort = freePort();
    try (OutriggerOperator operator =
            ApiServer.operator(
                client,
                Set.of(NS),
                Optional.empty(),
                "https://127.0.0.1/v1/reports",
                dir.resolve("ca.crt").toString());
        OperatorHttpsServer server =
            ApiServer.https(
                operator, dir.resolve("tls.crt"), dir.resolve("tls.key"), Optional.empty(), 4)) {
      ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
      spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "shop").build());
      MetricsSpec metrics = new MetricsSpec();
      ScrapeSpec scrape = new ScrapeSpec();
      scrape.setPort(closedPort);
      metrics.setScrape(scrape);
      spec.setMetrics(metrics);
      client.resource(ApiServer.policy(NS, "shop", spec)).create();

      await()
          .atMost(WAIT)
          .until(() -> status(client) != null && status(client).getConfigHash() != null);
      // What the webhook writes into the pod: the rendered config and the CA to trust us with.
      Path config = dir.resolve("sidecar.json");
      Files.writeString(
          config,
          SidecarConfigCodec.toCompactJson(
              PolicyResolver.resolve(
                      client
                          .resources(ObservabilityPolicy.class)
                          .inNamespace(NS)
                          .withName("shop")
                          .get())
                  .sidecar()));
      Path ca = dir.resolve("mounted-ca.crt");
      Files.copy(dir.resolve("ca.crt"), ca);
      Path updates = dir.resolve("updates");

      Tokens.serviceAccount(client, NS, "shop");
      Pod injected =
          ApiServer.injected(
              NS,
              "shop-1",
              Map.of("app", "shop"),
              "shop",
              status(client).getConfigHash(),
              ApiServer.VERSION);
      injected.getSpec().setServiceAccountName("shop");
      Pod pod = client.resource(injected).create();
      Path token = dir.resolve("token");
      Files.writeString(token, Tokens.mint(client, NS, "shop", pod));

      Process sidecar =
          startSidecar(
              dir,
              config,
              Map.of(
                  "POD_NAME",
                  "shop-1",
                  "POD_NAMESPACE",
                  NS,
                  "OUTRIGGER_REPORT_URL",
                  "https://127.0.0.1:" + server.reportPort() + "/v1/reports",
                  "OUTRIGGER_REPORT_CA_FILE",
                  ca.toString(),
                  "OUTRIGGER_TOKEN_FILE",
                  token.toString(),
                  "OUTRIGGER_CONFIG_UPDATES",
                  updates.toString(),
                  "OUTRIGGER_REPORT_HEARTBEAT",
                  "2s"));
      try {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  ObservabilityPolicyStatus status = status(client);
                  assertThat(status.getSidecarErrors())
                      .as("sidecar log:\n%s", Files.readString(dir.resolve("sidecar.log")))
                      .singleElement()
                      .satisfies(
                          error -> {
                            assertThat(error.getComponent()).isEqualTo("metrics");
                            assertThat(error.getMessage())
                                .startsWith(
                                    "scrape of :" + closedPort + "/metrics failed (unreachable)");
                            assertThat(error.getPods()).isEqualTo(1);
                          });
                  assertThat(status.getLastReportTime()).isNotNull();
                });
        assertThat(
                PolicyStatusBuilder.find(status(client), OperatorNames.DEGRADED)
                    .orElseThrow()
                    .getReason())
            .isEqualTo(OperatorNames.REASON_SIDECAR_ERRORS);
        assertThat(updates.resolve("sidecar.json"))
            .as("the sidecar runs the policy's config: none sent")
            .doesNotExist();

        // An edit reaches the running sidecar with its next report's answer: no ConfigMap, no
        // restart.
        int otherPort = freePort();
        client
            .resources(ObservabilityPolicy.class)
            .inNamespace(NS)
            .withName("shop")
            .edit(
                p -> {
                  p.getSpec().getMetrics().getScrape().setPort(otherPort);
                  return p;
                });
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(status(client).getSidecarErrors())
                        .as("sidecar log:\n%s", Files.readString(dir.resolve("sidecar.log")))
                        .singleElement()
                        .satisfies(
                            error ->
                                assertThat(error.getMessage())
                                    .startsWith("scrape of :" + otherPort + "/metrics failed")));
        String kept = Files.readString(updates.resolve("sidecar.json"));
        assertThat(SidecarConfigCodec.hash(SidecarConfigCodec.readJson(kept, "kept")))
            .isEqualTo(status(client).getConfigHash());
        assertThat(Files.readString(updates.resolve("ca.crt")))
            .as("the CA the answers carry")
            .isEqualTo(Files.readString(dir.resolve("ca.crt")));
        assertThat(sidecar.isAlive()).as("applied live").isTrue();
      } finally {
        sidecar.destroyForcibly();
      }
    } finally {
      client.close();
    }
  }

  private static Process startSidecar(Path dir, Path config, Map<String, String> env)
      throws Exception {
    Path jar =
        Path.of(
            System.getProperty(
                "outrigger.sidecarJar", "../sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the packaged sidecar (built before this module)").exists();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-jar",
                jar.toString(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sidecar.log").toFile());
    builder.environment().putAll(env);
    builder.environment().put("OUTRIGGER_BIND", "127.0.0.1");
    builder.environment().put("OUTRIGGER_PORT_BASE", Integer.toString(freePortBase()));
    return builder.start();
  }

  private static ObservabilityPolicyStatus status(KubernetesClient client) {
    ObservabilityPolicy policy =
        client.resources(ObservabilityPolicy.class).inNamespace(NS).withName("shop").get();
    return policy == null ? null : policy.getStatus();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A base whose admin (+0), telemetry (+20) and first inbound (+6) ports are free. */
  private static int freePortBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 30_000 + new java.util.Random().nextInt(1_000) * 30;
      if (free(base) && free(base + 6) && free(base + 20)) {
        return base;
      }
    }
    throw new IOException("no free port base");
  }

  private static boolean free(int port) {
    try (ServerSocket socket =
        new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
