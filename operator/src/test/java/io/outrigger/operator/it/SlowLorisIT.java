package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectedNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 1: slow-loris clients holding many connections to the operator's admission and
 * report ports, from an address that is not the API server's, while pods are created through the
 * real kube-apiserver with the webhook registered ({@code failurePolicy: Fail}, 5 s timeout: a
 * stalled webhook fails the create). Pod creates must stay within their normal latency, injected.
 */
class SlowLorisIT {
  private static final String NS = "op-loris";
  private static final String SELECTOR = "outrigger-it-loris";
  private static final String CONFIG = "outrigger-it-loris";
  private static final int PODS = 20;

  /**
   * Connections per port: far more than the old server's 32 threads, fewer than the production
   * connection caps (what happens beyond a cap: {@code BoundedHttpsServerTest} and
   * docs/security.md).
   */
  private static final int LORIS_CONNECTIONS = 300;

  private static KubernetesClient client;

  /** Creates pods without retrying: a create the webhook stalls fails once, after its timeout. */
  private static KubernetesClient creator;

  private static OutriggerOperator operator;
  private static OperatorHttpsServer server;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    creator =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, ApiServer.OPERATOR_NAMESPACE);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels(SELECTOR, "on")
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    client.resource(ApiServer.policy(NS, "all", new ObservabilityPolicySpec())).create();
    operator = ApiServer.operator(client, Set.of(NS), Optional.empty());

    Path dir = Files.createTempDirectory("outrigger-loris-it");
    TlsMaterial tls = ApiServer.loopbackTls(dir, "localhost");
    server = ApiServer.https(operator, dir.resolve("tls.crt"), dir.resolve("tls.key"));
    client
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(CONFIG)
                .endMetadata()
                .addNewWebhook()
                .withName("inject.outrigger.io")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:" + server.admissionPort() + "/mutate")
                .withCaBundle(
                    Base64.getEncoder()
                        .encodeToString(tls.caBundle().getBytes(StandardCharsets.US_ASCII)))
                .endClientConfig()
                .addNewRule()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .endRule()
                .withNewNamespaceSelector()
                .withMatchLabels(Map.of(SELECTOR, "on"))
                .endNamespaceSelector()
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withFailurePolicy("Fail")
                .withTimeoutSeconds(5)
                .endWebhook()
                .build())
        .createOr(existing -> existing.update());
    // The policy in the admission view and the configuration read by the API server.
    int[] n = {0};
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> injected(create("warm-" + n[0]++)));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(CONFIG).delete();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {server, operator, creator, client}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // best effort: the JVM ends with the test run
      }
    }
  }

  private static Pod create(String name) {
    return creator.resource(ApiServer.optedIn(NS, name, Map.of("app", "web"))).create();
  }

  private static boolean injected(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getName().equals(InjectedNames.SIDECAR_CONTAINER));
  }

  /** Creates {@value #PODS} pods one after the other; milliseconds each, -1 for a failed one. */
  private static List<Long> createPods(String prefix) {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      long start = System.nanoTime();
      try {
        Pod pod = create(prefix + "-" + i);
        millis.add(injected(pod) ? (System.nanoTime() - start) / 1_000_000 : -2);
      } catch (RuntimeException e) {
        millis.add(-1L);
      }
    }
    return millis;
  }

  private static String describe(List<Long> millis) {
    List<Long> ok = millis.stream().filter(m -> m >= 0).sorted().toList();
    long failed = millis.size() - ok.size();
    return ok.isEmpty()
        ? "all " + failed + " failed"
        : "median %d ms, max %d ms, %d failed or bare"
            .formatted(ok.get(ok.size() / 2), ok.get(ok.size() - 1), failed);
  }

  @Test
  void podCreatesKeepTheirLatencyWhileSlowLorisesHoldTheAdmissionAndReportPorts() throws Exception {
    List<Long> quiet = createPods("quiet");
    System.out.println("SlowLorisIT pod creates without loris: " + describe(quiet) + " " + quiet);
    assertThat(quiet).as("pod creates on a quiet server").allMatch(m -> m >= 0);

    try (SlowLoris onAdmission =
            new SlowLoris("127.0.0.2", server.admissionPort(), "/mutate", LORIS_CONNECTIONS)
                .start();
        SlowLoris onReports =
            new SlowLoris("127.0.0.3", server.reportPort(), "/v1/reports", LORIS_CONNECTIONS)
                .start()) {
      // Let the lorises take hold of their connections (a server that gives each connection a
      // thread stops them at its thread count), then measure while they hold on and reconnect.
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < until
          && (onAdmission.opened() < LORIS_CONNECTIONS || onReports.opened() < LORIS_CONNECTIONS)) {
        Thread.sleep(500);
      }
      Thread.sleep(2000);
      List<Long> loris = createPods("loris");
      System.out.printf(
          "SlowLorisIT pod creates with loris (%d and %d connections held, %d and %d opened): %s %s%n",
          onAdmission.holding(),
          onReports.holding(),
          onAdmission.opened(),
          onReports.opened(),
          describe(loris),
          loris);
      System.out.printf(
          "SlowLorisIT admission server: %d closed at the deadline, %d at the cap, %d answered 503;"
              + " reports server: %d, %d, %d%n",
          server.admission().closedWaiting(),
          server.admission().closedAtCap(),
          server.admission().refusedBusy(),
          server.reports().closedWaiting(),
          server.reports().closedAtCap(),
          server.reports().refusedBusy());

      assertThat(loris)
          .as("every pod created and injected while the lorises hold on")
          .allMatch(m -> m >= 0);
      long quietMedian = quiet.stream().sorted().toList().get(PODS / 2);
      // Normal latency: near the quiet median, and no create anywhere near the webhook's 5 s
      // timeout (the machine's 2 cores also run the API server, etcd and the lorises themselves).
      assertThat(loris.stream().sorted().toList().get(PODS / 2))
          .as("median under loris vs quiet median " + quietMedian + " ms")
          .isLessThan(quietMedian * 3 + 300);
      assertThat(loris).as("no create waited for the webhook's timeout").allMatch(m -> m < 2500);
    }
  }
}
