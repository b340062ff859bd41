package io.outrigger.sidecar.outbound;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One destination's circuit breaker: opens after {@code failures} consecutive failures, refuses
 * requests while open, and after {@code openDuration} lets exactly one probe through (half-open):
 * its success closes the circuit, its failure opens it for another interval. Like Envoy's
 * consecutive-5xx outlier detection and resilience4j's half-open state with one permitted call.
 */
public final class CircuitBreaker {
  /** Where the breaker stands. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failures;
  private final long openNanos;
  private final LongSupplier clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean probeInFlight;

  public CircuitBreaker(int failures, Duration openDuration, LongSupplier clock) {
    if (failures < 1) {
      throw new IllegalArgumentException("circuit breaker needs at least 1 failure to open");
    }
    this.failures = failures;
    this.openNanos = openDuration.toNanos();
    this.clock = clock;
  }

  /**
   * True when a request may go to the destination now. In half-open state only the first caller
   * gets true (the probe); everyone else is refused until the probe's outcome is known.
   */
  public synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.getAsLong() - openedAt < openNanos) {
          return false;
        }
        state = State.HALF_OPEN;
        probeInFlight = true;
        return true;
      default:
        if (probeInFlight) {
          return false;
        }
        probeInFlight = true;
        return true;
    }
  }

  /** The destination answered (any status that is not a failure). */
  public synchronized void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    probeInFlight = false;
  }

  /** The destination failed: refused, timed out, reset, or answered 502/503/504. */
  public synchronized void onFailure() {
    probeInFlight = false;
    if (state == State.HALF_OPEN) {
      open();
      return;
    }
    consecutiveFailures++;
    if (state == State.CLOSED && consecutiveFailures >= failures) {
      open();
    }
  }

  public synchronized State state() {
    // Report the half-open transition as soon as it is due, not only at the next request.
    if (state == State.OPEN && clock.getAsLong() - openedAt >= openNanos) {
      return State.HALF_OPEN;
    }
    return state;
  }

  private void open() {
    state = State.OPEN;
    openedAt = clock.getAsLong();
    consecutiveFailures = 0;
  }
}
