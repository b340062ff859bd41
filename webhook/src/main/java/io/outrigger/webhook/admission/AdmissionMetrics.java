package io.outrigger.webhook.admission;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Admissions by result and their latency, in Prometheus text format, without a metrics library: the
 * handler is embedded in the operator and in test servers alike.
 */
public final class AdmissionMetrics {

  /** What happened to one admission request. */
  public enum Result {
    /** A patch adding the sidecar was returned. */
    INJECTED,
    /** Admitted unchanged: not opted in, opted out, already injected, no policy, not a pod. */
    SKIPPED,
    /** Something failed; admitted unchanged with a warning. */
    FAILED_OPEN,
    /** Not an AdmissionReview; answered 400. */
    MALFORMED
  }

  /** Upper bounds in seconds: admission should take well under a millisecond. */
  private static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
  };

  /** Told of each admission too: the operator records it in its Micrometer registry. */
  @FunctionalInterface
  public interface Listener {
    void admitted(Result result, boolean dryRun, long elapsedNanos);
  }

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private volatile Listener listener = (result, dryRun, elapsedNanos) -> {};
  private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
  private final LongAdder observations = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  public AdmissionMetrics() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /**
   * Counts one admission. Dry-run requests are counted apart so that a {@code kubectl
   * --dry-run=server} never looks like a pod that was really injected.
   */
  public void record(Result result, boolean dryRun, long elapsedNanos) {
    counts.computeIfAbsent(key(result, dryRun), k -> new LongAdder()).increment();
    double seconds = elapsedNanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        buckets[i].increment();
      }
    }
    observations.increment();
    nanos.add(elapsedNanos);
    listener.admitted(result, dryRun, elapsedNanos);
  }

  public void listen(Listener listener) {
    this.listener = listener;
  }

  /** The histogram's upper bounds in seconds, for a registry that keeps its own. */
  public static double[] bucketsSeconds() {
    return BUCKETS.clone();
  }

  public long count(Result result, boolean dryRun) {
    LongAdder adder = counts.get(key(result, dryRun));
    return adder == null ? 0 : adder.sum();
  }

  /** Sum over dry-run and real requests. */
  public long count(Result result) {
    return count(result, false) + count(result, true);
  }

  /** The metrics in Prometheus text exposition format 0.0.4. */
  public String prometheusText() {
    StringBuilder out = new StringBuilder();
    out.append("# HELP outrigger_webhook_admissions_total Pod admission requests by result.\n");
    out.append("# TYPE outrigger_webhook_admissions_total counter\n");
    for (Result result : Result.values()) {
      for (boolean dryRun : new boolean[] {false, true}) {
        out.append("outrigger_webhook_admissions_total{result=\"")
            .append(result.name().toLowerCase(Locale.ROOT))
            .append("\",dry_run=\"")
            .append(dryRun)
            .append("\"} ")
            .append(count(result, dryRun))
            .append('\n');
      }
    }
    out.append("# HELP outrigger_webhook_admission_duration_seconds Time to answer one request.\n");
    out.append("# TYPE outrigger_webhook_admission_duration_seconds histogram\n");
    for (int i = 0; i < BUCKETS.length; i++) {
      out.append("outrigger_webhook_admission_duration_seconds_bucket{le=\"")
          .append(BUCKETS[i])
          .append("\"} ")
          .append(buckets[i].sum())
          .append('\n');
    }
    long total = observations.sum();
    out.append("outrigger_webhook_admission_duration_seconds_bucket{le=\"+Inf\"} ")
        .append(total)
        .append('\n');
    out.append("outrigger_webhook_admission_duration_seconds_sum ")
        .append(nanos.sum() / 1e9)
        .append('\n');
    out.append("outrigger_webhook_admission_duration_seconds_count ").append(total).append('\n');
    return out.toString();
  }

  private static String key(Result result, boolean dryRun) {
    return result.name() + "/" + dryRun;
  }
}
