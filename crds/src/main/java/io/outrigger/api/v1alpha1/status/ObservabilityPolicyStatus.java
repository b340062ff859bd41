package io.outrigger.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed of a policy and the sidecars it injected. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilityPolicyStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, Valid, Conflict and Degraded.")
  private List<PolicyCondition> conditions;

  @JsonPropertyDescription("Running pods the policy selects and that opted in.")
  private Integer matchedPods;

  @JsonPropertyDescription("Matched pods that carry the sidecar.")
  private Integer injectedPods;

  @JsonPropertyDescription("Injected pods whose sidecar reports ready.")
  private Integer readyPods;

  @JsonPropertyDescription(
      "Injected pods running an older config hash or sidecar version; they pick it up when restarted.")
  private Integer outdatedPods;

  @JsonPropertyDescription(
      "Opted-in pods created without a sidecar (for example while the webhook was down).")
  private Integer missedPods;

  @JsonPropertyDescription("Hash of the rendered sidecar config.")
  private String configHash;

  @JsonPropertyDescription("The most frequent errors the sidecars report.")
  private List<SidecarErrorSummary> sidecarErrors;

  @JsonPropertyDescription("When a sidecar of this policy last reported (RFC 3339).")
  private String lastReportTime;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<PolicyCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<PolicyCondition> conditions) {
    this.conditions = conditions;
  }

  public Integer getMatchedPods() {
    return matchedPods;
  }

  public void setMatchedPods(Integer matchedPods) {
    this.matchedPods = matchedPods;
  }

  public Integer getInjectedPods() {
    return injectedPods;
  }

  public void setInjectedPods(Integer injectedPods) {
    this.injectedPods = injectedPods;
  }

  public Integer getReadyPods() {
    return readyPods;
  }

  public void setReadyPods(Integer readyPods) {
    this.readyPods = readyPods;
  }

  public Integer getOutdatedPods() {
    return outdatedPods;
  }

  public void setOutdatedPods(Integer outdatedPods) {
    this.outdatedPods = outdatedPods;
  }

  public Integer getMissedPods() {
    return missedPods;
  }

  public void setMissedPods(Integer missedPods) {
    this.missedPods = missedPods;
  }

  public String getConfigHash() {
    return configHash;
  }

  public void setConfigHash(String configHash) {
    this.configHash = configHash;
  }

  public List<SidecarErrorSummary> getSidecarErrors() {
    return sidecarErrors;
  }

  public void setSidecarErrors(List<SidecarErrorSummary> sidecarErrors) {
    this.sidecarErrors = sidecarErrors;
  }

  public String getLastReportTime() {
    return lastReportTime;
  }

  public void setLastReportTime(String lastReportTime) {
    this.lastReportTime = lastReportTime;
  }
}
