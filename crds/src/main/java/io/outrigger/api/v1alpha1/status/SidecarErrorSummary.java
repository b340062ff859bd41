package io.outrigger.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An error reported by sidecars, grouped by component and message. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarErrorSummary {

  @JsonPropertyDescription("Sidecar component: proxy, metrics, logs, tracing, health or config.")
  private String component;

  @JsonPropertyDescription("The error.")
  private String message;

  @JsonPropertyDescription("Pods reporting it.")
  private Integer pods;

  @JsonPropertyDescription("When it was last reported (RFC 3339).")
  private String lastSeen;

  public String getComponent() {
    return component;
  }

  public void setComponent(String component) {
    this.component = component;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Integer getPods() {
    return pods;
  }

  public void setPods(Integer pods) {
    this.pods = pods;
  }

  public String getLastSeen() {
    return lastSeen;
  }

  public void setLastSeen(String lastSeen) {
    this.lastSeen = lastSeen;
  }
}
