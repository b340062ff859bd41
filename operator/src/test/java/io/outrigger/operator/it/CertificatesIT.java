package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.operator.certs.WebhookCertificates;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectedNames;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's own webhook certificates on a real kube-apiserver: it creates the Secret, patches
 * the caBundle, the API server then calls the webhook over TLS, and a forced renewal swaps the
 * served certificate while pods keep being admitted ({@code failurePolicy: Fail}, so a failed call
 * would fail the create).
 */
class CertificatesIT {
  private static final String NS = "op-certs";
  private static final String SELECTOR = "outrigger-it";
  private static final String CONFIG = "outrigger-it-certs";

  private static KubernetesClient client;
  private static OutriggerOperator operator;
  private static WebhookCertificates certificates;
  private static OperatorHttpsServer server;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, ApiServer.OPERATOR_NAMESPACE);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels(SELECTOR, "certs")
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    client.resource(ApiServer.policy(NS, "all", new ObservabilityPolicySpec())).create();
    operator = ApiServer.operator(client, Set.of(NS), Optional.empty());

    certificates =
        WebhookCertificates.start(
            client,
            new WebhookCertificates.Settings(
                ApiServer.OPERATOR_NAMESPACE,
                "outrigger-webhook-tls-it",
                CONFIG,
                List.of("localhost"),
                List.of("127.0.0.1"),
                Files.createTempDirectory("outrigger-certs-it"),
                Duration.ofDays(365),
                Duration.ofDays(30),
                Duration.ofDays(1),
                Duration.ofMinutes(10),
                Duration.ofSeconds(3)),
            Clock.systemUTC());
    server =
        ApiServer.https(
            operator, certificates.certFile(), certificates.keyFile(), Optional.empty(), 4);
    // As the chart installs it: no caBundle, the operator fills it in.
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
                .endClientConfig()
                .addNewRule()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .endRule()
                .withNewNamespaceSelector()
                .withMatchLabels(Map.of(SELECTOR, "certs"))
                .endNamespaceSelector()
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withFailurePolicy("Fail")
                .withTimeoutSeconds(10)
                .endWebhook()
                .build())
        .createOr(existing -> existing.update());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(CONFIG).delete();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {server, certificates, operator, client}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // best effort: the JVM ends with the test run
      }
    }
  }

  private static String secretBundle() {
    Secret secret =
        client
            .secrets()
            .inNamespace(ApiServer.OPERATOR_NAMESPACE)
            .withName("outrigger-webhook-tls-it")
            .get();
    return secret.getData().get("ca-bundle.crt");
  }

  private static String configBundle() {
    MutatingWebhookConfiguration config =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(CONFIG).get();
    return config.getWebhooks().get(0).getClientConfig().getCaBundle();
  }

  private static Pod createPod(String name) {
    return client.resource(ApiServer.optedIn(NS, name, Map.of("app", "web"))).create();
  }

  private static boolean injected(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getName().equals(InjectedNames.SIDECAR_CONTAINER));
  }

  /** The certificate a TLS client gets from the server now. */
  private static BigInteger servedSerial() throws Exception {
    String bundle =
        new String(Base64.getDecoder().decode(secretBundle()), StandardCharsets.US_ASCII);
    javax.net.ssl.TrustManagerFactory factory =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : CertificateIssuer.certificates(bundle)) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    factory.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    SSLSocketFactory sockets = context.getSocketFactory();
    try (SSLSocket socket = (SSLSocket) sockets.createSocket("127.0.0.1", server.admissionPort())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @Test
  void theOperatorCreatesTheSecretPatchesTheCaBundleAndTheApiServerCallsTheWebhook()
      throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> secretBundle().equals(configBundle()));
    assertThat(Files.readString(certificates.certFile())).contains("BEGIN CERTIFICATE");

    // The API server reads the new webhook configuration a moment later.
    AtomicInteger n = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> injected(createPod("first-" + n.incrementAndGet())));
    Pod pod = client.pods().inNamespace(NS).withName("first-" + n.get()).get();
    assertThat(pod.getMetadata().getLabels()).containsEntry(Names.INJECTED, "true");

    // Forced renewal while pods are being created: every create must succeed, injected.
    BigInteger before = servedSerial();
    String bundleBefore = configBundle();
    whileCreatingPods(
        "renewal",
        () -> {
          certificates.forceRenewal();
          await().atMost(Duration.ofSeconds(30)).until(() -> !servedSerial().equals(before));
        });
    assertThat(configBundle()).as("same CA: the bundle did not change").isEqualTo(bundleBefore);

    // A new CA: the bundle carries both, and the new CA's certificate is served only after the
    // API server had time to learn the bundle; no admission fails meanwhile either.
    BigInteger renewed = servedSerial();
    whileCreatingPods(
        "rotation",
        () -> {
          certificates.forceCaRotation();
          await().atMost(Duration.ofSeconds(30)).until(() -> !servedSerial().equals(renewed));
        });
    String bundle =
        new String(Base64.getDecoder().decode(configBundle()), StandardCharsets.US_ASCII);
    assertThat(CertificateIssuer.certificates(bundle)).hasSize(2);
  }

  /** Runs {@code change} while another thread keeps creating pods; none may fail or go bare. */
  private static void whileCreatingPods(String prefix, ThrowingRunnable change) throws Exception {
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> results = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread creator =
        new Thread(
            () -> {
              int i = 0;
              while (running.get()) {
                try {
                  results.add(injected(createPod(prefix + "-" + i++)));
                } catch (Throwable t) {
                  failures.add(t);
                }
              }
            });
    creator.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= 3);
      change.run();
      int atChange = results.size();
      await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= atChange + 5);
    } finally {
      running.set(false);
      creator.join(30_000);
    }
    assertThat(failures).as("admissions failed during the " + prefix).isEmpty();
    assertThat(results)
        .as("every pod created during the " + prefix + " was injected")
        .doesNotContain(false);
  }

  /** A step that may throw. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
