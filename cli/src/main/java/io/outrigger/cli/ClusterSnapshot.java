package io.outrigger.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.InvalidPolicyException;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.ClusterFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link InjectionCheck} needs, read from a cluster: the namespace's labels and policies, the
 * webhook configuration's selectors and the operator's namespace (from the Service the API server
 * calls), the server's version.
 *
 * @param webhookFound false when the configuration is not there (Outrigger not installed, or
 *     installed under another name): nothing would be injected
 */
record ClusterSnapshot(
    boolean webhookFound,
    LabelSelector namespaceSelector,
    LabelSelector objectSelector,
    ClusterFacts facts) {

  static ClusterSnapshot read(KubernetesClient client, String webhookConfiguration) {
    MutatingWebhookConfiguration config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(webhookConfiguration)
            .get();
    Optional<MutatingWebhook> webhook =
        config == null || config.getWebhooks() == null
            ? Optional.empty()
            : config.getWebhooks().stream().findFirst();
    String operatorNamespace =
        webhook
            .map(MutatingWebhook::getClientConfig)
            .map(c -> c.getService() == null ? null : c.getService().getNamespace())
            .orElse("outrigger-system");
    VersionInfo version = client.getKubernetesVersion();
    // The image and version only shape the injected pod, not the decision.
    ClusterFacts facts =
        ClusterFacts.of(version.getMajor(), version.getMinor(), "-", "-", operatorNamespace);
    return new ClusterSnapshot(
        webhook.isPresent(),
        webhook.map(MutatingWebhook::getNamespaceSelector).orElse(null),
        webhook.map(MutatingWebhook::getObjectSelector).orElse(null),
        facts);
  }

  /** The check's input for {@code pod} in {@code namespace}, read now. */
  InjectionCheck.Input input(KubernetesClient client, Pod pod, String namespace) {
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels =
        ns == null || ns.getMetadata().getLabels() == null
            ? Map.of()
            : ns.getMetadata().getLabels();
    List<EffectivePolicy> policies = new ArrayList<>();
    Map<String, String> invalid = new TreeMap<>();
    for (ObservabilityPolicy policy :
        client.resources(ObservabilityPolicy.class).inNamespace(namespace).list().getItems()) {
      try {
        policies.add(PolicyResolver.resolve(policy));
      } catch (InvalidPolicyException e) {
        invalid.put(policy.getMetadata().getName(), e.getMessage());
      }
    }
    return new InjectionCheck.Input(
        pod, namespace, labels, namespaceSelector, objectSelector, policies, invalid, facts);
  }
}
