package io.outrigger.webhook.it;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.InvalidPolicyException;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.NodeKubelet;
import io.outrigger.webhook.admission.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The handler's view of the cluster read straight from the API server on every admission (the
 * operator answers from informer caches instead; here freshness matters more than speed).
 */
final class KubernetesClusterView implements ClusterView {
  private final KubernetesClient client;

  KubernetesClusterView(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace found = client.namespaces().withName(namespace).get();
    return found == null || found.getMetadata().getLabels() == null
        ? Map.of()
        : found.getMetadata().getLabels();
  }

  @Override
  public List<EffectivePolicy> policies(String namespace) {
    return client
        .resources(ObservabilityPolicy.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .map(KubernetesClusterView::resolveOrNull)
        .filter(Objects::nonNull)
        .toList();
  }

  @Override
  public Optional<List<NodeKubelet>> kubelets() {
    return Optional.of(client.nodes().list().getItems().stream().map(NodeKubelet::of).toList());
  }

  /** An invalid policy injects nothing; the operator reports it on the policy's status. */
  private static EffectivePolicy resolveOrNull(ObservabilityPolicy policy) {
    try {
      return PolicyResolver.resolve(policy);
    } catch (InvalidPolicyException e) {
      return null;
    }
  }
}
