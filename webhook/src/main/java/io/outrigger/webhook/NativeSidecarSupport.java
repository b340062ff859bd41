package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Whether a pod's native sidecar would run as one. The API server must keep {@code restartPolicy}
 * on init containers (1.29+), and the kubelet of the node the pod lands on must run it as a
 * sidecar: kubelets may be up to three minors older than the API server, and an older one runs the
 * sidecar as a plain init container that never exits, so the pod never starts. Every node that may
 * run the pod must therefore be 1.29+; when that cannot be told (nodes not listed, none listed,
 * none the pod may run on), the answer is no: a classic sidecar runs everywhere.
 *
 * @param supported native sidecars would run
 * @param reason one sentence for the audit annotations
 */
public record NativeSidecarSupport(boolean supported, String reason) {

  /** How many of the old nodes a reason names. */
  static final int NAMED_NODES = 3;

  public static NativeSidecarSupport of(ClusterFacts facts, Pod pod) {
    if (!facts.serverRunsNativeSidecars()) {
      return no(
          "the API server is "
              + facts.serverMajor()
              + "."
              + facts.serverMinor()
              + "; native sidecars need 1."
              + ClusterFacts.NATIVE_SIDECAR_MINOR);
    }
    if (facts.kubelets() == null) {
      return no("the nodes' kubelet versions are unknown (nodes not listed)");
    }
    if (facts.kubelets().isEmpty()) {
      return no("no node is listed, so no kubelet version is known");
    }
    List<NodeKubelet> candidates = NodeSelection.candidates(pod.getSpec(), facts.kubelets());
    if (candidates.isEmpty()) {
      return no("no listed node may run the pod, so its kubelet version is unknown");
    }
    List<NodeKubelet> old = candidates.stream().filter(n -> !n.runsNativeSidecars()).toList();
    if (!old.isEmpty()) {
      StringBuilder named = new StringBuilder();
      old.stream()
          .limit(NAMED_NODES)
          .forEach(
              n ->
                  named
                      .append(named.length() == 0 ? "" : ", ")
                      .append(n.name())
                      .append(" (")
                      .append(n.kubeletVersion() == null ? "no version" : n.kubeletVersion())
                      .append(')'));
      if (old.size() > NAMED_NODES) {
        named.append(" and ").append(old.size() - NAMED_NODES).append(" more");
      }
      return no(
          "kubelets older than 1."
              + ClusterFacts.NATIVE_SIDECAR_MINOR
              + " may run the pod: "
              + named);
    }
    return new NativeSidecarSupport(
        true,
        "the "
            + (candidates.size() == 1 ? "node" : candidates.size() + " nodes")
            + " that may run the pod run kubelet 1."
            + ClusterFacts.NATIVE_SIDECAR_MINOR
            + "+");
  }

  private static NativeSidecarSupport no(String reason) {
    return new NativeSidecarSupport(false, reason);
  }
}
