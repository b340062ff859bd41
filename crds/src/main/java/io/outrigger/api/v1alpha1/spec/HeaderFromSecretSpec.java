package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** An export header whose value is a key of a Secret in the pod's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeaderFromSecretSpec {

  @JsonPropertyDescription("The HTTP header, e.g. Authorization.")
  @Required
  @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
  private String name;

  @JsonPropertyDescription("A Secret of the pod's namespace.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String secretName;

  @JsonPropertyDescription("The Secret's key whose value is the header's value.")
  @Required
  @Pattern("^[-._a-zA-Z0-9]+$")
  private String key;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
