package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.outrigger.api.Names;
import io.outrigger.config.Ports;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether a pod gets a sidecar, and why: the opt-in rules of DESIGN "Names" as one pure function.
 *
 * @param inject true when the pod is to be injected
 * @param optedIn true when the pod (or its namespace) asked for a sidecar: a pod that asked and is
 *     not injected deserves a warning, a pod that never asked does not
 * @param reason one sentence for the admission response's warnings and audit annotations
 */
public record InjectionDecision(boolean inject, boolean optedIn, String reason) {

  public static final String TRUE = "true";
  public static final String FALSE = "false";
  public static final String NAMESPACE_ENABLED = "enabled";
  public static final String NAMESPACE_DISABLED = "disabled";

  /** The decision for any policy (what the webhook asks before choosing one). */
  public static InjectionDecision decide(
      Pod pod, String namespace, Map<String, String> namespaceLabels, Set<String> excluded) {
    return decide(pod, namespace, namespaceLabels, excluded, null);
  }

  /**
   * The decision for one policy ({@code forPolicy}), as the operator asks when it counts the pods a
   * policy should have injected; {@code null} means any policy.
   */
  public static InjectionDecision decide(
      Pod pod,
      String namespace,
      Map<String, String> namespaceLabels,
      Set<String> excluded,
      String forPolicy) {
    Map<String, String> labels = PodFacts.labels(pod);
    Map<String, String> annotations = PodFacts.annotations(pod);

    // 1. Excluded namespaces come first: not even an explicit opt-in reaches the control plane's
    //    namespaces or the operator's own (its pods serve this webhook).
    if (namespace != null && excluded.contains(namespace)) {
      return skip(false, "namespace " + namespace + " is never injected");
    }
    // 2. Already injected: re-invocation and re-admission must leave the pod as it is.
    if (TRUE.equals(labels.get(Names.INJECTED))) {
      return skip(false, "already injected (label " + Names.INJECTED + ")");
    }
    if (PodFacts.hasContainer(pod, InjectedNames.SIDECAR_CONTAINER)) {
      return skip(false, "already injected (container " + InjectedNames.SIDECAR_CONTAINER + ")");
    }
    // 3. The pod's own word wins over its namespace's: the label first (the webhook's
    //    objectSelector sees labels), then the annotation. Anything but "true"/"false" is unset.
    Optional<Boolean> podWord =
        word(labels.get(Names.INJECT)).or(() -> word(annotations.get(Names.INJECT)));
    if (podWord.isPresent() && !podWord.get()) {
      return skip(false, "pod opted out (" + Names.INJECT + "=false)");
    }
    // 4. Then the namespace label; a pod that said nothing follows it.
    if (podWord.isEmpty()) {
      String namespaceWord =
          namespaceLabels == null ? null : namespaceLabels.get(Names.NAMESPACE_INJECTION);
      if (NAMESPACE_DISABLED.equals(namespaceWord)) {
        return skip(
            false,
            "namespace " + namespace + " opted out (" + Names.NAMESPACE_INJECTION + "=disabled)");
      }
      if (!NAMESPACE_ENABLED.equals(namespaceWord)) {
        return skip(
            false,
            "not opted in (no "
                + Names.INJECT
                + " on the pod, no "
                + Names.NAMESPACE_INJECTION
                + "=enabled on the namespace)");
      }
    }
    // 5. Host-network pods share the node's network: iptables rules would rewrite the node's,
    //    and the sidecar's fixed ports would collide with other such pods on the node.
    PodSpec spec = pod.getSpec();
    if (spec != null && Boolean.TRUE.equals(spec.getHostNetwork())) {
      return skip(true, "host-network pods are not injected");
    }
    // 6. An app listening on a sidecar port would fail to bind, or the sidecar would: say so.
    Optional<Integer> reserved = reservedPortInUse(pod);
    if (reserved.isPresent()) {
      return skip(
          true, "an app container uses port " + reserved.get() + ", reserved by the sidecar");
    }
    // 7. A pod naming a policy belongs to that policy only.
    String named = annotations.get(Names.POLICY);
    if (forPolicy != null && named != null && !named.equals(forPolicy)) {
      return skip(false, "pod names policy " + named + ", not " + forPolicy);
    }
    return new InjectionDecision(
        true, true, "opted in by " + (podWord.isPresent() ? "the pod" : "namespace " + namespace));
  }

  private static InjectionDecision skip(boolean optedIn, String reason) {
    return new InjectionDecision(false, optedIn, reason);
  }

  private static Optional<Boolean> word(String value) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.equalsIgnoreCase(TRUE)) {
      return Optional.of(true);
    }
    if (value.equalsIgnoreCase(FALSE)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  private static Optional<Integer> reservedPortInUse(Pod pod) {
    if (pod.getSpec() == null) {
      return Optional.empty();
    }
    return Stream.concat(
            PodFacts.list(pod.getSpec().getContainers()).stream(),
            PodFacts.list(pod.getSpec().getInitContainers()).stream())
        .map(Container::getPorts)
        .flatMap(ports -> PodFacts.list(ports).stream())
        .map(ContainerPort::getContainerPort)
        .filter(port -> port != null && Ports.isReserved(port))
        .findFirst();
  }
}
