package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** One label requirement of a pod selector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LabelSelectorRequirementSchema {

  @JsonPropertyDescription("The label key.")
  @Required
  private String key;

  @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
  @Required
  @Pattern("^(In|NotIn|Exists|DoesNotExist)$")
  private String operator;

  @JsonPropertyDescription("Values for In and NotIn; empty for Exists and DoesNotExist.")
  private List<String> values;

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getOperator() {
    return operator;
  }

  public void setOperator(String operator) {
    this.operator = operator;
  }

  public List<String> getValues() {
    return values;
  }

  public void setValues(List<String> values) {
    this.values = values;
  }
}
