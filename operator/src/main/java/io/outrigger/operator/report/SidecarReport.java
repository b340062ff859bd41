package io.outrigger.operator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The document a sidecar POSTs to {@code /v1/reports}: its {@code /status} (components, errors,
 * counters, config hash) plus who it is. Unknown fields are ignored so sidecars can add fields
 * before the operator knows them.
 *
 * @param namespace the pod's namespace (must match the token's)
 * @param pod the pod's name (must match the token's bound pod, when the token names one)
 * @param policy the policy the sidecar was injected from
 * @param configHash the config hash the sidecar runs
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
}
