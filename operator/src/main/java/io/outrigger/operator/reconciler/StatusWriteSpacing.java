package io.outrigger.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one status write per policy per {@code interval}, whatever triggered the reconcile: a
 * rollout of a policy's pods, or pods coming and going, would otherwise write its status with every
 * pod event. A reconcile that finds the policy written too recently is run again when the interval
 * is over (it then writes what is true at that moment, so nothing is lost, only coalesced).
 */
final class StatusWriteSpacing {
  private final Map<ResourceID, Instant> lastWrite = new ConcurrentHashMap<>();
  private final Duration interval;

  StatusWriteSpacing(Duration interval) {
    this.interval = interval;
  }

  /**
   * How long {@code policy} must wait before its next write; empty: write now (and it is noted).
   */
  Optional<Duration> reserve(ResourceID policy, Instant now) {
    Duration wait = wait(Optional.ofNullable(lastWrite.get(policy)), now, interval);
    if (!wait.isZero()) {
      return Optional.of(wait);
    }
    lastWrite.put(policy, now);
    // Entries older than the interval impose no wait: dropping them keeps the map to the
    // policies written lately (deleted policies do not linger).
    Instant cutoff = now.minus(interval);
    lastWrite.values().removeIf(t -> t.isBefore(cutoff));
    return Optional.empty();
  }

  /** Notes a write made without reserving (a spec edit is shown at once). */
  void wrote(ResourceID policy, Instant now) {
    lastWrite.put(policy, now);
  }

  /** The time left until {@code last + interval}, zero when it has passed or there was none. */
  static Duration wait(Optional<Instant> last, Instant now, Duration interval) {
    if (last.isEmpty()) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, last.get().plus(interval));
    return left.isNegative() ? Duration.ZERO : left;
  }
}
