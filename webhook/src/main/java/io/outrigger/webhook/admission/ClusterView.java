package io.outrigger.webhook.admission;

import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.webhook.NodeKubelet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admission handler reads from the cluster, behind an interface so the handler stays free
 * of clients and caches: the operator answers from its informers, tests from a real API server or
 * from plain maps. Either method may throw; the handler then admits the pod unchanged.
 */
public interface ClusterView {

  /** The labels of {@code namespace}; empty when it has none or is unknown. */
  Map<String, String> namespaceLabels(String namespace);

  /** The valid policies of {@code namespace}, resolved; invalid ones are left out. */
  List<EffectivePolicy> policies(String namespace);

  /**
   * The cluster's nodes with their kubelet versions; empty when they cannot be listed (not yet, or
   * not allowed), which keeps sidecars classic.
   */
  Optional<List<NodeKubelet>> kubelets();

  /**
   * The CA bundle that signs the operator's report endpoint, as now written; empty when reports are
   * off or it is not written yet (the sidecars then trust the JDK's CAs).
   */
  default Optional<String> reportCa() {
    return Optional.empty();
  }
}
