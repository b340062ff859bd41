package io.outrigger.operator.report;

import io.outrigger.operator.status.ReportedError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a policy's sidecars currently report, rolled up for its status. */
public record ReportSummary(List<ReportedError> errors, Optional<Instant> lastReport) {

  public static final ReportSummary NONE = new ReportSummary(List.of(), Optional.empty());

  /** Rolls up the reports of one policy; the reconciler asks on every reconcile. */
  public interface Source {
    ReportSummary summarize(String namespace, String policy);
  }
}
