package io.outrigger.sidecar.logs.output;

import java.time.Duration;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * the n-th retry waits a uniformly random time in {@code [0, min(max, initial * 2^n)]}, so many
 * sidecars whose receiver came back do not retry in lockstep.
 */
public record ExponentialBackoff(Duration initial, Duration max) {

  public ExponentialBackoff {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("the initial backoff must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "the maximum backoff " + max + " is below the initial " + initial);
    }
  }

  /** The upper bound of the wait before retry number {@code retry} (0 for the first retry). */
  public long ceilingMillis(int retry) {
    long initialMillis = initial.toMillis();
    long maxMillis = max.toMillis();
    // 2^62 overflows nothing below; beyond that the cap has long been reached.
    int shift = Math.min(Math.max(retry, 0), 62);
    long ceiling = initialMillis << shift;
    return ceiling <= 0 || ceiling > maxMillis || (ceiling >> shift) != initialMillis
        ? maxMillis
        : ceiling;
  }

  /** The wait before retry number {@code retry}, given a uniform random number in [0, 1). */
  public long delayMillis(int retry, double random) {
    return (long) Math.floor(random * (ceilingMillis(retry) + 1));
  }
}
