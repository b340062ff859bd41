package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Kubernetes label-selector semantics over a label map ({@code metav1.LabelSelectorAsSelector}):
 * every matchLabels pair and every matchExpressions requirement must hold. Fabric8's model has the
 * selector type but no public matcher for it.
 */
public final class LabelSelectorMatcher {
  private LabelSelectorMatcher() {}

  /**
   * True when {@code selector} selects {@code labels}. An empty selector selects everything; a
   * requirement with an unknown operator selects nothing (the API server would have refused it, so
   * this only meets policies that bypassed the schema).
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    return unmet(selector, labels).isEmpty();
  }

  /**
   * The first requirement of {@code selector} that {@code labels} do not meet, said as a person
   * would read it ({@code app=checkout, but the pod has app=cart}); empty when it selects them.
   */
  public static Optional<String> unmet(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return Optional.empty();
    }
    Map<String, String> given = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> wanted : new TreeMap<>(selector.getMatchLabels()).entrySet()) {
        if (!wanted.getValue().equals(given.get(wanted.getKey()))) {
          return Optional.of(
              wanted.getKey() + "=" + wanted.getValue() + ", but " + has(given, wanted.getKey()));
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!holds(requirement, given)) {
          return Optional.of(describe(requirement) + ", but " + has(given, requirement.getKey()));
        }
      }
    }
    return Optional.empty();
  }

  private static String has(Map<String, String> labels, String key) {
    return labels.containsKey(key)
        ? "it has " + key + "=" + labels.get(key)
        : "it has no label " + key;
  }

  private static String describe(LabelSelectorRequirement requirement) {
    String operator = requirement.getOperator() == null ? "" : requirement.getOperator();
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (operator) {
      case "In", "NotIn" ->
          requirement.getKey() + " " + operator + " (" + String.join(", ", values) + ")";
      case "Exists" -> requirement.getKey() + " exists";
      case "DoesNotExist" -> requirement.getKey() + " does not exist";
      default -> requirement.getKey() + " with unknown operator \"" + operator + "\"";
    };
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String key = requirement.getKey();
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    String operator = requirement.getOperator() == null ? "" : requirement.getOperator();
    return switch (operator) {
      case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
      case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
      case "Exists" -> labels.containsKey(key);
      case "DoesNotExist" -> !labels.containsKey(key);
      default -> false;
    };
  }
}
