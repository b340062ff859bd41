package io.outrigger.webhook.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.server.AdmissionHttpsServer;
import io.outrigger.webhook.server.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * The webhook wired into the shared real kube-apiserver: the CRD applied, a test CA, the HTTPS
 * server on 127.0.0.1 and a MutatingWebhookConfiguration pointing at it for the namespaces labelled
 * {@code outrigger-it=<selector>}.
 */
final class WebhookHarness implements AutoCloseable {
  static final String SELECTOR_LABEL = "outrigger-it";
  static final String IMAGE = "ghcr.io/outrigger/sidecar:0.1.0-it";

  final KubernetesClient client;
  final ClusterFacts facts;
  final TestCertificates ca;
  final AdmissionMetrics metrics;
  final AdmissionHttpsServer server;
  private final String configName;

  private WebhookHarness(
      KubernetesClient client,
      ClusterFacts facts,
      TestCertificates ca,
      AdmissionMetrics metrics,
      AdmissionHttpsServer server,
      String configName) {
    this.client = client;
    this.facts = facts;
    this.ca = ca;
    this.metrics = metrics;
    this.server = server;
    this.configName = configName;
  }

  /**
   * Starts a webhook for the namespaces labelled {@code outrigger-it=<selector>}, with the given
   * failure policy, and waits until the API server calls it.
   */
  static WebhookHarness start(KubernetesClient client, String selector, String failurePolicy)
      throws Exception {
    applyCrd(client);
    VersionInfo version = client.getKubernetesVersion();
    // Classic or native is the server's call: 1.20 here, so classic (native is unit-tested).
    ClusterFacts facts =
        ClusterFacts.of(
            version.getMajor(), version.getMinor(), IMAGE, "0.1.0-it", "outrigger-system");
    TestCertificates ca = new TestCertificates();
    Path certs = Files.createTempDirectory("outrigger-webhook-" + selector);
    ca.writeServing(certs, "outrigger-webhook");
    AdmissionMetrics metrics = new AdmissionMetrics();
    AdmissionHttpsServer server =
        AdmissionHttpsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            certs.resolve("tls.crt"),
            certs.resolve("tls.key"),
            new AdmissionHandler(new KubernetesClusterView(client), facts, metrics),
            4);
    String name = "outrigger-it-" + selector;
    MutatingWebhookConfiguration config =
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .addNewWebhook()
            .withName("inject.outrigger.io")
            .withNewClientConfig()
            .withUrl("https://127.0.0.1:" + server.port() + "/mutate")
            .withCaBundle(
                Base64.getEncoder().encodeToString(ca.caPem().getBytes(StandardCharsets.US_ASCII)))
            .endClientConfig()
            .addNewRule()
            .withOperations("CREATE")
            .withApiGroups("")
            .withApiVersions("v1")
            .withResources("pods")
            .endRule()
            .withNewNamespaceSelector()
            .withMatchLabels(Map.of(SELECTOR_LABEL, selector))
            .endNamespaceSelector()
            .withSideEffects("None")
            .withAdmissionReviewVersions("v1")
            .withFailurePolicy(failurePolicy)
            .withTimeoutSeconds(10)
            .endWebhook()
            .build();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(config)
        .createOr(c -> c.update());
    WebhookHarness harness = new WebhookHarness(client, facts, ca, metrics, server, name);
    harness.awaitCalled(selector);
    return harness;
  }

  /**
   * The API server learns of a new webhook configuration a moment later: dry-run pods until one
   * reaches the handler.
   */
  private void awaitCalled(String selector) {
    String namespace = namespace("probe-" + selector, Map.of(SELECTOR_LABEL, selector));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              long before = totalAdmissions();
              client
                  .pods()
                  .inNamespace(namespace)
                  .resource(Pods.plain("probe", Map.of()))
                  .dryRun()
                  .create();
              return totalAdmissions() > before;
            });
  }

  long totalAdmissions() {
    long total = 0;
    for (AdmissionMetrics.Result result : AdmissionMetrics.Result.values()) {
      total += metrics.count(result);
    }
    return total;
  }

  /** Creates (or keeps) a namespace with these labels. */
  String namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    return name;
  }

  static void applyCrd(KubernetesClient client) throws IOException {
    RealKubeApiServer.applyCrd(
        client,
        Path.of(
            System.getProperty(
                "outrigger.crdFile", "../crds/observabilitypolicies.outrigger.io-v1.yml")));
  }

  /**
   * Stops serving but leaves the configuration: the API server now meets a webhook that is down.
   */
  void stopServing() {
    server.close();
  }

  @Override
  public void close() {
    server.close();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(configName)
        .delete();
  }
}
