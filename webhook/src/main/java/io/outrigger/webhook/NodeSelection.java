package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;

/**
 * The nodes the scheduler may put a pod on, from what the pod itself says before it is scheduled:
 * {@code spec.nodeName}, {@code spec.nodeSelector} and the required node affinity, with the
 * scheduler's semantics. Taints are left out: they only narrow the set further, and a larger set
 * can only make the choice of sidecar more cautious.
 */
final class NodeSelection {
  private NodeSelection() {}

  /** Field selectors of node affinity accept this one key. */
  static final String NAME_FIELD = "metadata.name";

  static List<NodeKubelet> candidates(PodSpec spec, List<NodeKubelet> nodes) {
    if (spec == null) {
      return nodes;
    }
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
      // Bound already: the scheduler is not asked, whatever else the pod says.
      return nodes.stream().filter(n -> spec.getNodeName().equals(n.name())).toList();
    }
    Map<String, String> selector = spec.getNodeSelector();
    NodeSelector required = required(spec.getAffinity());
    return nodes.stream()
        .filter(n -> selector == null || matchesLabels(selector, n.labels()))
        .filter(n -> required == null || matchesAnyTerm(required.getNodeSelectorTerms(), n))
        .toList();
  }

  private static NodeSelector required(Affinity affinity) {
    return affinity == null || affinity.getNodeAffinity() == null
        ? null
        : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  private static boolean matchesLabels(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream()
        .allMatch(e -> e.getValue() != null && e.getValue().equals(labels.get(e.getKey())));
  }

  /** Terms are ORed; an empty or missing list matches no node, as in the scheduler. */
  private static boolean matchesAnyTerm(List<NodeSelectorTerm> terms, NodeKubelet node) {
    return terms != null && terms.stream().anyMatch(term -> matchesTerm(term, node));
  }

  /** Requirements of a term are ANDed; a term with none matches no node. */
  private static boolean matchesTerm(NodeSelectorTerm term, NodeKubelet node) {
    List<NodeSelectorRequirement> expressions = PodFacts.list(term.getMatchExpressions());
    List<NodeSelectorRequirement> fields = PodFacts.list(term.getMatchFields());
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    return expressions.stream().allMatch(r -> matches(r, node.labels()))
        && fields.stream()
            .allMatch(
                r -> NAME_FIELD.equals(r.getKey()) && matches(r, Map.of(NAME_FIELD, node.name())));
  }

  static boolean matches(NodeSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = PodFacts.list(requirement.getValues());
    String operator = requirement.getOperator() == null ? "" : requirement.getOperator();
    return switch (operator) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> compare(value, values) > 0;
      case "Lt" -> compare(value, values) < 0;
      // The API server refuses other operators; a pod that got past it matches nothing here, so
      // the choice falls to the cautious side.
      default -> false;
    };
  }

  /**
   * Sign of label value minus the single requirement value, both integers; 0 (matching neither Gt
   * nor Lt) when either is not one.
   */
  private static int compare(String value, List<String> values) {
    if (value == null || values.size() != 1) {
      return 0;
    }
    try {
      return Long.compare(Long.parseLong(value), Long.parseLong(values.get(0)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
