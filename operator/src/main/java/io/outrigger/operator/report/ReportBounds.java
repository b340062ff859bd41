package io.outrigger.operator.report;

import io.outrigger.config.SidecarReport;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How much of a report the operator holds: every report lives in memory until its TTL and its
 * errors reach a policy's status, so nothing in it may be unbounded. A shape no sidecar sends (more
 * components or counters than it has, a key longer than a name) is refused; what a real sidecar can
 * produce in any amount (error messages, many errors) is cut to size instead, so the report still
 * counts.
 */
public final class ReportBounds {
  private ReportBounds() {}

  /** Namespace, pod and policy are Kubernetes names (DNS subdomains at most). */
  static final int MAX_NAME = 253;

  /** Config hash, sidecar version, component states. */
  static final int MAX_VALUE = 128;

  /** Component and counter names. */
  static final int MAX_KEY = 128;

  static final int MAX_COMPONENTS = 32;
  static final int MAX_COUNTERS = 128;

  /** Errors kept per report, in the order sent (the status shows the top five). */
  static final int MAX_ERRORS = 32;

  /** Error messages are cut here (with an ellipsis). */
  static final int MAX_MESSAGE = 1024;

  /** Why {@code report} is refused, or empty. */
  static Optional<String> violation(SidecarReport report) {
    return Stream.of(
            tooLong("namespace", report.namespace(), MAX_NAME),
            tooLong("pod", report.pod(), MAX_NAME),
            tooLong("policy", report.policy(), MAX_NAME),
            tooLong("configHash", report.configHash(), MAX_VALUE),
            tooLong("sidecarVersion", report.sidecarVersion(), MAX_VALUE),
            map("components", report.components(), MAX_COMPONENTS, MAX_VALUE),
            map("counters", report.counters(), MAX_COUNTERS, Integer.MAX_VALUE),
            errorComponents(report.errorsOrEmpty()))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** {@code report} with at most {@link #MAX_ERRORS} errors, each message cut to size. */
  static SidecarReport trimmed(SidecarReport report) {
    if (report.errors() == null) {
      return report;
    }
    List<SidecarReport.ComponentError> errors =
        report.errors().stream()
            .filter(Objects::nonNull)
            .limit(MAX_ERRORS)
            .map(e -> new SidecarReport.ComponentError(e.component(), cut(e.message())))
            .toList();
    return new SidecarReport(
        report.namespace(),
        report.pod(),
        report.policy(),
        report.configHash(),
        report.sidecarVersion(),
        report.components(),
        errors,
        report.counters(),
        report.restartPending());
  }

  private static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE - 1) + "…";
  }

  private static Optional<String> tooLong(String field, String value, int max) {
    return value != null && value.length() > max
        ? Optional.of(field + " is longer than " + max + " characters")
        : Optional.empty();
  }

  private static Optional<String> map(
      String field, Map<String, ?> map, int maxEntries, int maxValue) {
    if (map == null) {
      return Optional.empty();
    }
    if (map.size() > maxEntries) {
      return Optional.of(field + " has more than " + maxEntries + " entries");
    }
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      if (entry.getKey().length() > MAX_KEY) {
        return Optional.of(field + " has a key longer than " + MAX_KEY + " characters");
      }
      if (entry.getValue() instanceof String text && text.length() > maxValue) {
        return Optional.of(field + " has a value longer than " + maxValue + " characters");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> errorComponents(List<SidecarReport.ComponentError> errors) {
    return errors.stream()
        .limit(MAX_ERRORS)
        .filter(e -> e != null && e.component() != null && e.component().length() > MAX_KEY)
        .findFirst()
        .map(e -> "errors name a component longer than " + MAX_KEY + " characters");
  }
}
