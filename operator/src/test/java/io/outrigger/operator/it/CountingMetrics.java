package io.outrigger.operator.it;

import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.report.ReportMetrics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts reconciles and report answers of one operator instance, to tell which instance did the
 * work.
 */
final class CountingMetrics implements ReconcileMetrics, ReportMetrics {
  final AtomicInteger reconciles = new AtomicInteger();

  /** The status of every report this instance's intake answered, forwarded ones included. */
  final List<Integer> reports = new CopyOnWriteArrayList<>();

  @Override
  public void report(int status) {
    reports.add(status);
  }

  @Override
  public void reconciled(long elapsedNanos) {
    reconciles.incrementAndGet();
  }

  @Override
  public void error() {}

  @Override
  public void statusWrite() {}

  @Override
  public void missed(String namespace, String policy, int pods) {}
}
