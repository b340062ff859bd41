package io.outrigger.operator.report;

import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.SidecarErrorSummary;
import io.outrigger.operator.status.ReportedError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a policy's sidecars currently report, rolled up for its status.
 *
 * @param running the config hash each pod's sidecar runs in full (pod name → hash), from fresh
 *     reports: a sidecar that took an edit live is not outdated though its pod was injected with an
 *     older hash
 */
public record ReportSummary(
    List<ReportedError> errors, Optional<Instant> lastReport, Map<String, String> running) {

  public static final ReportSummary NONE = new ReportSummary(List.of(), Optional.empty());

  public ReportSummary(List<ReportedError> errors, Optional<Instant> lastReport) {
    this(errors, lastReport, Map.of());
  }

  /** Rolls up the reports of one policy; the reconciler asks on every reconcile. */
  public interface Source {
    ReportSummary summarize(String namespace, String policy);

    /**
     * True while the store may not have heard from every sidecar yet (just started, or just became
     * leader): an empty summary then means "not known yet", not "no errors".
     */
    default boolean warmingUp() {
      return false;
    }
  }

  /**
   * What the status already shows, as a summary: kept while the store warms up, so a leader change
   * or a restart does not clear every policy's errors (Degraded flapping to False) until the
   * sidecars' next heartbeats bring them back.
   */
  public static ReportSummary shownIn(ObservabilityPolicyStatus status) {
    if (status == null) {
      return NONE;
    }
    List<ReportedError> errors = new ArrayList<>();
    if (status.getSidecarErrors() != null) {
      for (SidecarErrorSummary e : status.getSidecarErrors()) {
        Optional<Instant> seen = instant(e.getLastSeen());
        if (e.getComponent() != null && e.getMessage() != null && seen.isPresent()) {
          errors.add(
              new ReportedError(
                  e.getComponent(),
                  e.getMessage(),
                  e.getPods() == null ? 0 : e.getPods(),
                  seen.get()));
        }
      }
    }
    return new ReportSummary(List.copyOf(errors), instant(status.getLastReportTime()));
  }

  private static Optional<Instant> instant(String time) {
    try {
      return Optional.ofNullable(time).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
