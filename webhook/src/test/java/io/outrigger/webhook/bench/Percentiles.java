package io.outrigger.webhook.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles over every sample (no histogram, no bucketing error). */
record Percentiles(
    int count, double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {

  static Percentiles of(Collection<Long> nanos) {
    return of(nanos.stream().mapToLong(Long::longValue).toArray());
  }

  static Percentiles of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new Percentiles(
        sorted.length,
        ms(rank(sorted, 0.50)),
        ms(rank(sorted, 0.99)),
        ms(rank(sorted, 0.999)),
        ms(sorted[sorted.length - 1]),
        sum / sorted.length / 1e6);
  }

  /** The smallest sample with at least {@code q} of all samples at or below it. */
  private static long rank(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
