package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.api.policy.EffectivePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The whole admission decision for one pod as a pure function: opt-in ({@link InjectionDecision}),
 * then the policy ({@link PolicyChoice}), then {@link SidecarInjector}.
 *
 * @param pod the pod to admit: the injected copy, or the input when nothing was injected
 * @param policy the policy injected from, empty when none
 * @param losers other policies that selected the pod (for the operator's Conflict condition)
 * @param warnings for the client: a pod that asked for a sidecar and got none, conflicts, ignored
 *     annotations
 * @param audit audit annotations (key without prefix: the API server adds the webhook's name)
 */
public record PodAdmission(
    Pod pod,
    Optional<EffectivePolicy> policy,
    List<EffectivePolicy> losers,
    List<String> warnings,
    Map<String, String> audit) {

  /** Audit annotation: why the sidecar is native or classic. */
  public static final String AUDIT_SIDECAR_MODE = "sidecar-mode";

  /** Audit annotation: why the interception mode is not the one asked for. */
  public static final String AUDIT_INTERCEPTION = "interception";

  /**
   * @param namespace the pod's namespace (from the admission request: a pod being created may not
   *     carry one itself)
   * @param policies the namespace's valid policies
   */
  public static PodAdmission admit(
      Pod pod,
      String namespace,
      Map<String, String> namespaceLabels,
      List<EffectivePolicy> policies,
      ClusterFacts facts) {
    return admit(pod, namespace, namespaceLabels, () -> policies, facts);
  }

  /** As above, listing the policies only for a pod that opted in (most pods do not). */
  public static PodAdmission admit(
      Pod pod,
      String namespace,
      Map<String, String> namespaceLabels,
      Supplier<List<EffectivePolicy>> policies,
      ClusterFacts facts) {
    InjectionDecision decision =
        InjectionDecision.decide(pod, namespace, namespaceLabels, facts.excludedNamespaces());
    if (!decision.inject()) {
      return unchanged(pod, decision.reason(), decision.optedIn());
    }
    PolicyChoice choice =
        PolicyChoice.choose(PodFacts.labels(pod), PodFacts.annotations(pod), policies.get());
    if (choice.winner().isEmpty()) {
      return unchanged(pod, "opted in, but " + choice.reason(), true);
    }
    EffectivePolicy policy = choice.winner().get();
    List<String> warnings = new ArrayList<>();
    if (!choice.losers().isEmpty()) {
      warnings.add(choice.reason());
    }
    warnings.addAll(PodOverrides.parse(PodFacts.annotations(pod)).problemsWith(policy));
    Map<String, String> audit = new LinkedHashMap<>();
    audit.put("decision", decision.reason());
    audit.put("policy", choice.reason());
    SidecarInjector.Injected injected =
        SidecarInjector.injectWithPlan(
            pod, policy, facts, PodSecurityEnforcement.of(namespaceLabels));
    if (injected.plan() != null) {
      audit.put(AUDIT_SIDECAR_MODE, injected.plan().sidecarModeReason());
      injected
          .plan()
          .interceptionFallback()
          .ifPresent(
              fallback -> {
                // Worth a warning: the pod asked for iptables and runs without it.
                warnings.add(fallback);
                audit.put(AUDIT_INTERCEPTION, fallback);
              });
    }
    return new PodAdmission(
        injected.pod(), Optional.of(policy), choice.losers(), List.copyOf(warnings), audit);
  }

  /** Warn only a pod that asked for a sidecar and does not get one. */
  private static PodAdmission unchanged(Pod pod, String reason, boolean warn) {
    return new PodAdmission(
        pod,
        Optional.empty(),
        List.of(),
        warn ? List.of(reason) : List.of(),
        Map.of("decision", reason));
  }

  /** The decision's reason, as recorded in the audit annotations. */
  public String reason() {
    return audit.get("decision");
  }
}
