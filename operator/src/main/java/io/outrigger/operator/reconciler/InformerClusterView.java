package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.admission.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the admission handler and the pod census read from the cluster, answered from informer
 * caches: every replica serves admission, leader or not, so this view runs outside JOSDK's
 * controller (whose informers only the leader starts).
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {
  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<ObservabilityPolicy> policies;
  private final ResolvedPolicies resolved;

  private InformerClusterView(
      SharedIndexInformer<Namespace> namespaces,
      SharedIndexInformer<ObservabilityPolicy> policies,
      ResolvedPolicies resolved) {
    this.namespaces = namespaces;
    this.policies = policies;
    this.resolved = resolved;
  }

  /** Starts both informers and waits until their caches hold the cluster's state. */
  public static InformerClusterView start(KubernetesClient client, ResolvedPolicies resolved) {
    SharedIndexInformer<Namespace> namespaces = client.namespaces().inform();
    SharedIndexInformer<ObservabilityPolicy> policies =
        client.resources(ObservabilityPolicy.class).inAnyNamespace().inform();
    return new InformerClusterView(namespaces, policies, resolved);
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace found = namespaces.getStore().getByKey(namespace);
    return found == null || found.getMetadata().getLabels() == null
        ? Map.of()
        : found.getMetadata().getLabels();
  }

  @Override
  public List<EffectivePolicy> policies(String namespace) {
    return policies.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream()
        .map(resolved::resolveOrNull)
        .filter(Objects::nonNull)
        .toList();
  }

  @Override
  public void close() {
    namespaces.close();
    policies.close();
  }
}
