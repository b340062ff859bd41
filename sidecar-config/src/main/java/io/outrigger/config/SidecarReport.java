package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The document a sidecar POSTs to the operator's {@code /v1/reports}: a summary of its {@code
 * /status} plus who it is. Shared by both ends so they cannot drift apart; unknown fields are
 * ignored so a newer sidecar can add fields before the operator knows them.
 *
 * @param namespace the pod's namespace (must match the token's)
 * @param pod the pod's name (must match the token's bound pod, when the token names one)
 * @param policy the policy the sidecar was injected from
 * @param configHash the hash of the config document the sidecar was last given (the policy's
 *     rendered config, before this pod's own settings): the operator answers with a newer one when
 *     it differs from the policy's
 * @param sidecarVersion the sidecar's version
 * @param components state per component ({@code proxy: ready}, {@code logs: degraded}, ...)
 * @param errors current errors, one per component and message
 * @param counters monotonic counters (requests, log lines, spans, ...)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SidecarReport(
    String namespace,
    String pod,
    String policy,
    String configHash,
    String sidecarVersion,
    Map<String, String> components,
    List<ComponentError> errors,
    Map<String, Long> counters) {

  /** One error a component reports. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ComponentError(String component, String message) {}

  public List<ComponentError> errorsOrEmpty() {
    return errors == null ? List.of() : errors;
  }

  /** The same report without its counters: what decides whether something worth telling changed. */
  public SidecarReport withoutCounters() {
    return new SidecarReport(
        namespace, pod, policy, configHash, sidecarVersion, components, errors, null);
  }
}
