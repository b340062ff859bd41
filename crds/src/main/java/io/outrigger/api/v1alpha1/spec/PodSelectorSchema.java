package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/**
 * The schema of the policy's pod selector (a standard label selector), documented for kubectl
 * explain. Only its shape is used; the Java type is Fabric8's LabelSelector.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSelectorSchema {

  @JsonPropertyDescription("Labels a pod must all carry, with these values.")
  private Map<String, String> matchLabels;

  @JsonPropertyDescription("Label requirements a pod must all meet.")
  private List<LabelSelectorRequirementSchema> matchExpressions;

  public Map<String, String> getMatchLabels() {
    return matchLabels;
  }

  public void setMatchLabels(Map<String, String> matchLabels) {
    this.matchLabels = matchLabels;
  }

  public List<LabelSelectorRequirementSchema> getMatchExpressions() {
    return matchExpressions;
  }

  public void setMatchExpressions(List<LabelSelectorRequirementSchema> matchExpressions) {
    this.matchExpressions = matchExpressions;
  }
}
