package io.outrigger.sidecar.proxy;

import java.time.Duration;

/**
 * A token bucket: {@code rate} tokens per second, at most {@code burst} saved up. Time is passed
 * in, so the arithmetic is a pure function of the calls made and tests need no clock.
 */
public final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(double requestsPerSecond, int burst, long nowNanos) {
    if (requestsPerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
    }
    this.ratePerNano = requestsPerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /**
   * Takes a token if one is there. Returns {@link Duration#ZERO} when it did, else how long until
   * one will be. Synchronized because listeners may run on several event loops; the critical
   * section is a few arithmetic ops.
   */
  public synchronized Duration tryAcquire(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano));
  }
}
