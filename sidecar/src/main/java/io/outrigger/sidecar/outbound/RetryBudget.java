package io.outrigger.sidecar.outbound;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries at a ratio of requests, like Linkerd's retry budget: over a sliding window, retries
 * may be at most {@code ratio × requests + minRetries}. When a destination fails, retries then add
 * at most that fraction of load instead of multiplying it (no retry storms); the floor lets a quiet
 * client retry at all.
 */
public final class RetryBudget {
  private static final int BUCKETS = 10;

  private final double ratio;
  private final int minRetries;
  private final long bucketNanos;
  private final LongSupplier clock;
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long currentBucket;

  /**
   * @param ratio retries allowed per request (0.2: one retry per five requests)
   * @param minRetries retries allowed per window whatever the traffic
   * @param window how far back requests and retries count
   * @param clock nanoseconds, {@link System#nanoTime} outside tests
   */
  public RetryBudget(double ratio, int minRetries, Duration window, LongSupplier clock) {
    if (ratio < 0 || minRetries < 0 || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException(
          "retry budget needs ratio ≥ 0, minRetries ≥ 0, window > 0");
    }
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    this.clock = clock;
    this.currentBucket = clock.getAsLong() / bucketNanos;
  }

  /** An original request (not a retry) was sent. */
  public synchronized void request() {
    requests[advance()]++;
  }

  /** True, and the retry counted, when the budget allows one more retry now. */
  public synchronized boolean tryRetry() {
    int bucket = advance();
    long totalRequests = 0;
    long totalRetries = 0;
    for (int i = 0; i < BUCKETS; i++) {
      totalRequests += requests[i];
      totalRetries += retries[i];
    }
    if (totalRetries + 1 > ratio * totalRequests + minRetries) {
      return false;
    }
    retries[bucket]++;
    return true;
  }

  /** Moves the window to now, clearing buckets that fell out of it; returns the current one. */
  private int advance() {
    long now = clock.getAsLong() / bucketNanos;
    long steps = Math.min(BUCKETS, now - currentBucket);
    for (long i = 1; i <= steps; i++) {
      int bucket = (int) Math.floorMod(currentBucket + i, (long) BUCKETS);
      requests[bucket] = 0;
      retries[bucket] = 0;
    }
    if (now > currentBucket) {
      currentBucket = now;
    }
    return (int) Math.floorMod(currentBucket, (long) BUCKETS);
  }
}
