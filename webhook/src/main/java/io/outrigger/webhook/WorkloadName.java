package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * The name of the workload a pod belongs to, as dashboards group by it: the pod's controller, and
 * for a ReplicaSet made by a Deployment the Deployment (the ReplicaSet's name is the Deployment's
 * plus {@code -<pod-template-hash>}, the label the Deployment controller puts on its pods). Pods
 * created by the ReplicaSet controller carry their owner reference already at admission.
 */
final class WorkloadName {
  private WorkloadName() {}

  /** The workload's name, or null when the pod has no controller (a bare pod). */
  static String of(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(owner.getController()) && owner.getName() != null) {
        return "ReplicaSet".equals(owner.getKind())
            ? withoutTemplateHash(owner.getName(), pod.getMetadata().getLabels())
            : owner.getName();
      }
    }
    return null;
  }

  /**
   * The kind of {@link #of}'s workload: {@code Deployment} for a ReplicaSet the Deployment
   * controller made (its pods carry {@code pod-template-hash} and the ReplicaSet is named after the
   * Deployment with it), else the controller's kind; null for a bare pod. The sidecar names its
   * {@code k8s.<kind>.name} resource attribute by it.
   */
  static String kind(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(owner.getController()) && owner.getName() != null) {
        boolean fromDeployment =
            "ReplicaSet".equals(owner.getKind())
                && !withoutTemplateHash(owner.getName(), pod.getMetadata().getLabels())
                    .equals(owner.getName());
        return fromDeployment ? "Deployment" : owner.getKind();
      }
    }
    return null;
  }

  private static String withoutTemplateHash(String replicaSet, Map<String, String> labels) {
    String hash = labels == null ? null : labels.get("pod-template-hash");
    String suffix = "-" + hash;
    return hash != null && replicaSet.endsWith(suffix) && replicaSet.length() > suffix.length()
        ? replicaSet.substring(0, replicaSet.length() - suffix.length())
        : replicaSet;
  }
}
