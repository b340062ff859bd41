package io.outrigger.sidecar.logs.output;

import io.opentelemetry.api.logs.Severity;
import java.util.Locale;

/**
 * The OpenTelemetry severity number for a level as apps write it ({@code INFO}, {@code warning},
 * {@code err}, {@code CRITICAL}, ...), per the logs data model's mapping of common level names. The
 * text itself is kept as the severity text.
 */
public final class SeverityMapping {
  private SeverityMapping() {}

  public static Severity of(String level) {
    if (level == null || level.isBlank()) {
      return Severity.UNDEFINED_SEVERITY_NUMBER;
    }
    return switch (level.trim().toLowerCase(Locale.ROOT)) {
      case "trace", "finest", "finer" -> Severity.TRACE;
      case "debug", "dbg", "fine", "config" -> Severity.DEBUG;
      case "info", "information", "informational", "notice" -> Severity.INFO;
      case "warn", "warning" -> Severity.WARN;
      case "error", "err", "severe" -> Severity.ERROR;
      case "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic" -> Severity.FATAL;
      default -> Severity.UNDEFINED_SEVERITY_NUMBER;
    };
  }
}
