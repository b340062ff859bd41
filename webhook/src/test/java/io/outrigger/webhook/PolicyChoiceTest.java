package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.SidecarConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyChoiceTest {

  private static final Map<String, String> CHECKOUT = Map.of("app", "checkout", "tier", "web");

  static EffectivePolicy policy(String name, int priority, String created, LabelSelector selector) {
    return new EffectivePolicy(
        "shop", name, priority, Instant.parse(created), selector, null, SidecarConfig.defaults());
  }

  static LabelSelector labels(String key, String value) {
    return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
  }

  static final String T1 = "2026-01-01T00:00:00Z";
  static final String T2 = "2026-02-01T00:00:00Z";

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("no policies", Map.of(), List.of(), null, List.of(), "no policy selects"),
        arguments(
            "one match",
            Map.of(),
            List.of(policy("a", 0, T1, labels("app", "checkout"))),
            "a",
            List.of(),
            "policy a selects"),
        arguments(
            "no match",
            Map.of(),
            List.of(policy("a", 0, T1, labels("app", "cart"))),
            null,
            List.of(),
            "no policy selects"),
        arguments(
            "null selector selects every pod",
            Map.of(),
            List.of(policy("a", 0, T1, null)),
            "a",
            List.of(),
            "selects"),
        arguments(
            "higher priority wins",
            Map.of(),
            List.of(policy("low", 1, T1, null), policy("high", 5, T2, null)),
            "high",
            List.of("low"),
            "high wins over low"),
        arguments(
            "same priority: oldest wins",
            Map.of(),
            List.of(policy("young", 0, T2, null), policy("old", 0, T1, null)),
            "old",
            List.of("young"),
            "old wins"),
        arguments(
            "same priority and age: name wins",
            Map.of(),
            List.of(policy("b", 0, T1, null), policy("a", 0, T1, null)),
            "a",
            List.of("b"),
            "a wins over b"),
        arguments(
            "three match: losers best first",
            Map.of(),
            List.of(policy("c", 0, T1, null), policy("a", 9, T1, null), policy("b", 3, T1, null)),
            "a",
            List.of("b", "c"),
            "a wins over b, c"),
        arguments(
            "negative priority loses to default",
            Map.of(),
            List.of(policy("neg", -5, T1, null), policy("zero", 0, T2, null)),
            "zero",
            List.of("neg"),
            "zero wins"),
        arguments(
            "named policy beats a better match",
            Map.of("outrigger.io/policy", "low"),
            List.of(
                policy("high", 100, T1, null), policy("low", -100, T2, labels("app", "nothing"))),
            "low",
            List.of(),
            "named by the pod"),
        arguments(
            "named policy missing",
            Map.of("outrigger.io/policy", "gone"),
            List.of(policy("a", 0, T1, null)),
            null,
            List.of(),
            "policy gone named by the pod does not exist"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void chooses(
      String name,
      Map<String, String> annotations,
      List<EffectivePolicy> policies,
      String winner,
      List<String> losers,
      String reason) {
    PolicyChoice choice = PolicyChoice.choose(CHECKOUT, annotations, policies);
    assertThat(choice.winner().map(EffectivePolicy::name).orElse(null)).isEqualTo(winner);
    assertThat(choice.losers()).extracting(EffectivePolicy::name).containsExactlyElementsOf(losers);
    assertThat(choice.reason()).contains(reason);
  }
}
