package io.outrigger.operator.it;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.operator.certs.CertificateIssuer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A webhook configuration for one namespace whose URL nobody serves, failing open. */
final class UnreachableWebhook {
  static final String LABEL = "outrigger-it-unreachable";

  private UnreachableWebhook() {}

  static void register(KubernetesClient client, String name, String namespace) {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String ca =
        CertificateIssuer.issue(
                List.of("localhost"),
                List.of("127.0.0.1"),
                Instant.now(),
                Duration.ofDays(1),
                Duration.ofDays(1),
                null)
            .caBundle();
    client
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              n.getMetadata().getLabels().put(LABEL, namespace);
              return n;
            });
    client
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addNewWebhook()
                .withName("inject.outrigger.io")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:" + closedPort + "/mutate")
                .withCaBundle(
                    Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.US_ASCII)))
                .endClientConfig()
                .addNewRule()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .endRule()
                .withNewNamespaceSelector()
                .withMatchLabels(Map.of(LABEL, namespace))
                .endNamespaceSelector()
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withFailurePolicy("Ignore")
                .withTimeoutSeconds(2)
                .endWebhook()
                .build())
        .createOr(existing -> existing.update());
  }

  static void delete(KubernetesClient client, String name) {
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
  }
}
