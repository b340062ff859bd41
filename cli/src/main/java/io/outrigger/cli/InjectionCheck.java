package io.outrigger.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.LabelSelectorMatcher;
import io.outrigger.webhook.PodAdmission;
import io.outrigger.webhook.PodFacts;
import io.outrigger.webhook.PolicyChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a pod would be injected, by which policy, and exactly why (not): the webhook's own
 * decision ({@link PodAdmission}), preceded by the API server's (does the webhook configuration's
 * selectors send the pod to the webhook at all) and followed by every policy of the namespace with
 * the requirement of its selector that the pod meets or misses. A pure function of what it is
 * given; {@link ClusterSnapshot} reads that from a cluster.
 */
public final class InjectionCheck {
  private InjectionCheck() {}

  /**
   * What the check needs.
   *
   * @param namespaceSelector the webhook configuration's, null when none (or no configuration)
   * @param objectSelector the same for the pod's labels
   * @param policies the namespace's policies that resolved
   * @param invalidPolicies the ones that did not, name → why (the webhook ignores them)
   */
  public record Input(
      Pod pod,
      String namespace,
      Map<String, String> namespaceLabels,
      LabelSelector namespaceSelector,
      LabelSelector objectSelector,
      List<EffectivePolicy> policies,
      Map<String, String> invalidPolicies,
      ClusterFacts facts) {}

  /**
   * @param injected the webhook would add the sidecar
   * @param policy the policy it would inject from
   * @param decision the webhook's own reason (its audit annotation), or why it is not called
   * @param details one line per fact that led there: selectors, policies, conflicts, warnings
   */
  public record Verdict(
      boolean injected, Optional<String> policy, String decision, List<String> details) {}

  public static Verdict check(Input in) {
    List<String> details = new ArrayList<>();
    Optional<String> unmetNamespace =
        LabelSelectorMatcher.unmet(in.namespaceSelector(), in.namespaceLabels());
    if (unmetNamespace.isPresent()) {
      return new Verdict(
          false,
          Optional.empty(),
          "the API server does not call the webhook for namespace " + in.namespace(),
          List.of("the webhook's namespaceSelector wants " + unmetNamespace.get()));
    }
    Map<String, String> labels = PodFacts.labels(in.pod());
    Optional<String> unmetObject = LabelSelectorMatcher.unmet(in.objectSelector(), labels);
    if (unmetObject.isPresent()) {
      return new Verdict(
          false,
          Optional.empty(),
          "the API server does not call the webhook for this pod",
          List.of("the webhook's objectSelector wants " + unmetObject.get()));
    }
    PodAdmission admission =
        PodAdmission.admit(
            in.pod(), in.namespace(), in.namespaceLabels(), in.policies(), in.facts());
    in.invalidPolicies()
        .forEach((name, why) -> details.add("policy " + name + " is invalid, so ignored: " + why));
    PolicyChoice choice =
        PolicyChoice.choose(labels, PodFacts.annotations(in.pod()), in.policies());
    for (EffectivePolicy policy : in.policies()) {
      details.add(policyLine(policy, labels, choice));
    }
    if (in.policies().isEmpty() && in.invalidPolicies().isEmpty()) {
      details.add("namespace " + in.namespace() + " has no ObservabilityPolicy");
    }
    admission.warnings().stream()
        .filter(w -> !w.equals(admission.reason()))
        .forEach(w -> details.add("warning: " + w));
    Optional<String> policy = admission.policy().map(EffectivePolicy::name);
    String decision =
        policy.isPresent()
            ? admission.reason() + "; " + admission.audit().getOrDefault("policy", "")
            : admission.reason();
    return new Verdict(policy.isPresent(), policy, decision, List.copyOf(details));
  }

  private static String policyLine(
      EffectivePolicy policy, Map<String, String> labels, PolicyChoice choice) {
    String name = "policy " + policy.name() + " (priority " + policy.priority() + ")";
    boolean winner = choice.winner().filter(w -> w.name().equals(policy.name())).isPresent();
    if (winner) {
      return name + ": chosen — " + choice.reason();
    }
    if (choice.losers().stream().anyMatch(l -> l.name().equals(policy.name()))) {
      return name + ": selects the pod too, but loses to " + choice.winner().get().name();
    }
    return LabelSelectorMatcher.unmet(policy.selector(), labels)
        .map(unmet -> name + ": does not select the pod: its selector wants " + unmet)
        .orElse(name + ": selects the pod, but the pod names another policy");
  }
}
