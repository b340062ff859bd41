package io.outrigger.sidecar.report;

import java.time.Duration;
import java.time.Instant;

/**
 * When the next report goes out: at once when something the operator shows changed, as a heartbeat
 * otherwise, and after failures with exponential backoff so a missing operator is not hammered by
 * every sidecar of the cluster at once. Pure.
 */
public final class ReportSchedule {
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private ReportSchedule() {}

  /**
   * @param changed the report differs (counters aside) from the last one the operator accepted
   * @param lastAccepted when the operator last accepted a report, or null
   * @param lastAttempt when the last send was tried, or null
   * @param failures consecutive failed sends since the last accepted one
   */
  public static boolean due(
      Instant now,
      boolean changed,
      Instant lastAccepted,
      Instant lastAttempt,
      int failures,
      Duration heartbeat) {
    if (failures > 0 && lastAttempt != null && now.isBefore(lastAttempt.plus(backoff(failures)))) {
      return false;
    }
    return changed || lastAccepted == null || !now.isBefore(lastAccepted.plus(heartbeat));
  }

  /** 1 s, 2 s, 4 s, ... capped at a minute. */
  static Duration backoff(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long seconds = 1L << Math.min(failures - 1, 6);
    Duration next = FIRST_BACKOFF.multipliedBy(seconds);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }
}
