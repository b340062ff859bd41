package io.outrigger.webhook;

import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of a namespace's policies a pod gets (DESIGN "Names"), and which other matching policies
 * lost, so the operator can give them a {@code Conflict} condition naming the winner.
 *
 * @param winner the chosen policy, empty when none applies
 * @param losers policies whose selector matched too, best first; empty when chosen by name
 * @param reason one sentence for warnings and audit annotations
 */
public record PolicyChoice(
    Optional<EffectivePolicy> winner, List<EffectivePolicy> losers, String reason) {

  /** Highest priority first, then the oldest, then the name: a total, stable order. */
  public static final Comparator<EffectivePolicy> PRECEDENCE =
      Comparator.comparingInt(EffectivePolicy::priority)
          .reversed()
          .thenComparing(EffectivePolicy::created)
          .thenComparing(EffectivePolicy::name);

  /**
   * The policy for a pod with these labels and annotations among {@code policies} (the pod's
   * namespace's): the one named by {@code outrigger.io/policy}, else the best selector match.
   */
  public static PolicyChoice choose(
      Map<String, String> labels, Map<String, String> annotations, List<EffectivePolicy> policies) {
    String named = annotations == null ? null : annotations.get(Names.POLICY);
    if (named != null) {
      // An explicit choice is not a conflict: the pod's author settled it.
      return policies.stream()
          .filter(p -> p.name().equals(named))
          .findFirst()
          .map(
              p ->
                  new PolicyChoice(
                      Optional.of(p), List.of(), "policy " + named + " named by the pod"))
          .orElseGet(
              () ->
                  new PolicyChoice(
                      Optional.empty(),
                      List.of(),
                      "policy " + named + " named by the pod does not exist"));
    }
    List<EffectivePolicy> matching =
        policies.stream()
            .filter(p -> LabelSelectorMatcher.matches(p.selector(), labels))
            .sorted(PRECEDENCE)
            .toList();
    if (matching.isEmpty()) {
      return new PolicyChoice(Optional.empty(), List.of(), "no policy selects the pod");
    }
    EffectivePolicy winner = matching.get(0);
    List<EffectivePolicy> losers = matching.subList(1, matching.size());
    String reason =
        losers.isEmpty()
            ? "policy " + winner.name() + " selects the pod"
            : "policy "
                + winner.name()
                + " wins over "
                + String.join(", ", losers.stream().map(EffectivePolicy::name).toList())
                + " (priority, then age, then name)";
    return new PolicyChoice(Optional.of(winner), List.copyOf(losers), reason);
  }
}
