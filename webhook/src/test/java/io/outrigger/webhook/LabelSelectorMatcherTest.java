package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorMatcherTest {

  private static final Map<String, String> LABELS = Map.of("app", "checkout", "tier", "web");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          empty selector                 | {}                                                                  | true
          matchLabels hit                | {matchLabels: {app: checkout}}                                      | true
          matchLabels miss               | {matchLabels: {app: cart}}                                          | false
          matchLabels all must hold      | {matchLabels: {app: checkout, tier: db}}                            | false
          In hit                         | {matchExpressions: [{key: tier, operator: In, values: [web, api]}]} | true
          In miss                        | {matchExpressions: [{key: tier, operator: In, values: [db]}]}       | false
          In on a missing key            | {matchExpressions: [{key: zone, operator: In, values: [a]}]}        | false
          NotIn hit                      | {matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}    | true
          NotIn miss                     | {matchExpressions: [{key: tier, operator: NotIn, values: [web]}]}   | false
          NotIn on a missing key         | {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}     | true
          Exists hit                     | {matchExpressions: [{key: app, operator: Exists}]}                  | true
          Exists miss                    | {matchExpressions: [{key: zone, operator: Exists}]}                 | false
          DoesNotExist hit               | {matchExpressions: [{key: zone, operator: DoesNotExist}]}           | true
          DoesNotExist miss              | {matchExpressions: [{key: app, operator: DoesNotExist}]}            | false
          labels and expressions both    | {matchLabels: {app: checkout}, matchExpressions: [{key: tier, operator: In, values: [db]}]} | false
          unknown operator selects none  | {matchExpressions: [{key: app, operator: Near, values: [x]}]}       | false
          """)
  void matches(String name, String selectorYaml, boolean expected) throws Exception {
    LabelSelector selector =
        InjectionFixtures.YAML.convertValue(
            InjectionFixtures.YAML.readTree(selectorYaml), LabelSelector.class);
    assertThat(LabelSelectorMatcher.matches(selector, LABELS)).isEqualTo(expected);
  }

  /** What kubectl outrigger check-inject prints for a policy that does not select a pod. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          matchLabels other value   | {matchLabels: {app: cart}}                                    | app=cart, but it has app=checkout
          matchLabels missing key   | {matchLabels: {zone: a}}                                      | zone=a, but it has no label zone
          In                        | {matchExpressions: [{key: tier, operator: In, values: [db, api]}]} | tier In (db, api), but it has tier=web
          DoesNotExist              | {matchExpressions: [{key: app, operator: DoesNotExist}]}      | app does not exist, but it has app=checkout
          """)
  void theUnmetRequirementIsNamed(String name, String selectorYaml, String expected)
      throws Exception {
    LabelSelector selector =
        InjectionFixtures.YAML.convertValue(
            InjectionFixtures.YAML.readTree(selectorYaml), LabelSelector.class);
    assertThat(LabelSelectorMatcher.unmet(selector, LABELS)).contains(expected);
    assertThat(LabelSelectorMatcher.unmet(new LabelSelector(), LABELS)).isEmpty();
  }
}
