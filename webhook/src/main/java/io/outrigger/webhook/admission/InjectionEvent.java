package io.outrigger.webhook.admission;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.webhook.PodAdmission;
import java.util.Optional;

/**
 * What admission did with a pod, told to the pod's owner as a Normal event, as Linkerd's injector
 * does: a pod being created has no uid yet and may have no name, so {@code kubectl describe} finds
 * the event only on its owner. Only pods that asked for a sidecar get one: every pod of the cluster
 * passes the webhook, and an event for each that never opted in would bury the ones that matter.
 *
 * @param namespace the pod's (and so the owner's and the event's) namespace
 * @param owner the pod's controller, as the pod names it
 * @param reason {@link #INJECTED} or {@link #SKIPPED}
 * @param message the same for every pod of the owner with the same outcome, so repeats aggregate
 */
public record InjectionEvent(
    String namespace, OwnerReference owner, String reason, String message) {

  public static final String INJECTED = "Injected";
  public static final String SKIPPED = "InjectionSkipped";

  /**
   * The event for a pod's admission, if any: none for a pod without a controller or one that did
   * not opt in.
   */
  public static Optional<InjectionEvent> of(Pod pod, String namespace, PodAdmission admission) {
    Optional<OwnerReference> owner = controllerOf(pod);
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    if (admission.policy().isPresent()) {
      return Optional.of(
          new InjectionEvent(
              namespace,
              owner.get(),
              INJECTED,
              "outrigger sidecar injected from policy " + admission.policy().get().name()));
    }
    if (admission.warnings().isEmpty()) {
      // Not opted in (PodAdmission warns exactly the pods that asked and got nothing).
      return Optional.empty();
    }
    return Optional.of(
        new InjectionEvent(
            namespace, owner.get(), SKIPPED, "no outrigger sidecar: " + admission.reason()));
  }

  private static Optional<OwnerReference> controllerOf(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return pod.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .filter(ref -> ref.getUid() != null && ref.getName() != null && ref.getKind() != null)
        .findFirst();
  }
}
