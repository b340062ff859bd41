package io.outrigger.sidecar.report;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how the sidecar reports to the operator. These are facts about the installation, not
 * the policy, so they come from env vars the webhook sets (one config serves every pod of a policy
 * and its hash must not change when the operator moves).
 *
 * @param url the operator's {@code /v1/reports} endpoint ({@code OUTRIGGER_REPORT_URL})
 * @param tokenFile the projected service-account token, re-read for every report because the
 *     kubelet rotates it ({@code OUTRIGGER_TOKEN_FILE})
 * @param caFile PEM bundle that signs the operator's certificate; null trusts the JDK's CAs ({@code
 *     OUTRIGGER_REPORT_CA_FILE})
 * @param heartbeat how often a report goes out when nothing changed; the operator forgets a pod
 *     after three missed heartbeats ({@code OUTRIGGER_REPORT_HEARTBEAT})
 * @param checkEvery how often the status is compared with the last report sent
 */
public record ReportSettings(
    String url, String tokenFile, String caFile, Duration heartbeat, Duration checkEvery) {

  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
  static final Duration DEFAULT_CHECK = Duration.ofSeconds(2);

  /** Empty when no report URL is set: a standalone sidecar has nobody to report to. */
  public static Optional<ReportSettings> fromEnvironment(Map<String, String> env) {
    String url = env.get("OUTRIGGER_REPORT_URL");
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String heartbeat = env.get("OUTRIGGER_REPORT_HEARTBEAT");
    return Optional.of(
        new ReportSettings(
            url.strip(),
            env.getOrDefault("OUTRIGGER_TOKEN_FILE", "/var/run/secrets/outrigger/token"),
            env.get("OUTRIGGER_REPORT_CA_FILE"),
            heartbeat == null
                ? DEFAULT_HEARTBEAT
                : io.outrigger.config.DurationText.parse(heartbeat.strip()),
            DEFAULT_CHECK));
  }
}
