package io.outrigger.operator.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.report.ReportMetrics;
import io.outrigger.webhook.admission.AdmissionMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's metrics on {@code /q/metrics}: reconciles, their duration and errors, status
 * writes, missed pods per policy, reports by answer, and the webhook's admissions.
 */
final class MicrometerOperatorMetrics implements ReconcileMetrics, ReportMetrics {
  private final MeterRegistry registry;
  private final Timer reconciles;
  private final Counter errors;
  private final Counter statusWrites;
  private final Map<String, AtomicInteger> missed = new ConcurrentHashMap<>();

  MicrometerOperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.reconciles =
        Timer.builder("outrigger.reconcile.duration")
            .description("Policy reconciles and how long they took")
            .register(registry);
    this.errors =
        Counter.builder("outrigger.reconcile.errors")
            .description("Policy reconciles that failed")
            .register(registry);
    this.statusWrites =
        Counter.builder("outrigger.status.writes")
            .description("Policy status writes")
            .register(registry);
  }

  @Override
  public void reconciled(long elapsedNanos) {
    reconciles.record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void error() {
    errors.increment();
  }

  @Override
  public void statusWrite() {
    statusWrites.increment();
  }

  @Override
  public void missed(String namespace, String policy, int pods) {
    missed
        .computeIfAbsent(
            namespace + "/" + policy,
            key -> {
              AtomicInteger value = new AtomicInteger();
              registry.gauge(
                  "outrigger.pods.missed",
                  io.micrometer.core.instrument.Tags.of("namespace", namespace, "policy", policy),
                  value);
              return value;
            })
        .set(pods);
  }

  @Override
  public void report(int httpStatus) {
    registry.counter("outrigger.reports", "code", Integer.toString(httpStatus)).increment();
  }

  /**
   * The webhook keeps its own counters; expose them as Micrometer counters, and its latency as a
   * timer with the webhook's buckets (the dashboard's admission p99 reads its histogram).
   */
  void bind(AdmissionMetrics admissions) {
    Map<Boolean, Timer> durations = new ConcurrentHashMap<>();
    for (boolean dryRun : new boolean[] {false, true}) {
      durations.put(
          dryRun,
          Timer.builder("outrigger.webhook.admission.duration")
              .description("Time to answer one admission request")
              .tag("dry_run", Boolean.toString(dryRun))
              .serviceLevelObjectives(
                  Arrays.stream(AdmissionMetrics.bucketsSeconds())
                      .mapToObj(seconds -> Duration.ofNanos((long) (seconds * 1e9)))
                      .toArray(Duration[]::new))
              .register(registry));
    }
    admissions.listen(
        (result, dryRun, elapsedNanos) ->
            durations.get(dryRun).record(elapsedNanos, TimeUnit.NANOSECONDS));
    for (AdmissionMetrics.Result result : AdmissionMetrics.Result.values()) {
      for (boolean dryRun : new boolean[] {false, true}) {
        FunctionCounter.builder(
                "outrigger.webhook.admissions", admissions, a -> a.count(result, dryRun))
            .description("Pod admission requests by result")
            .tag("result", result.name().toLowerCase(Locale.ROOT))
            .tag("dry_run", Boolean.toString(dryRun))
            .register(registry);
      }
    }
  }
}
