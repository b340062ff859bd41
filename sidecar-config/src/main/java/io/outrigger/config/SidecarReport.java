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
 * @param restartPending true when fields of the config it was given wait for a restart (the sidecar
 *     runs their old values): it does not run {@code configHash} in full yet
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
    Map<String, Long> counters,
    Boolean restartPending) {

  /** A report that says nothing about restarts (older sidecars send none). */
  public SidecarReport(
      String namespace,
      String pod,
      String policy,
      String configHash,
      String sidecarVersion,
      Map<String, String> components,
      List<ComponentError> errors,
      Map<String, Long> counters) {
    this(namespace, pod, policy, configHash, sidecarVersion, components, errors, counters, null);
  }

  /** True when the sidecar runs all of {@code configHash}: it said so, no field waits. */
  public boolean runsConfigInFull() {
    return configHash != null && !configHash.isEmpty() && !Boolean.TRUE.equals(restartPending);
  }

  /** One error a component reports. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ComponentError(String component, String message) {}

  public List<ComponentError> errorsOrEmpty() {
    return errors == null ? List.of() : errors;
  }

  /** The same report without its counters: what decides whether something worth telling changed. */
  public SidecarReport withoutCounters() {
    return new SidecarReport(
        namespace,
        pod,
        policy,
        configHash,
        sidecarVersion,
        components,
        errors,
        null,
        restartPending);
  }
}
