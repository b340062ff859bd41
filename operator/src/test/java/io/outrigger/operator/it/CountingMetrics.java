package io.outrigger.operator.it;

import io.outrigger.operator.reconciler.ReconcileMetrics;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts reconciles of one operator instance, to tell which instance did the work. */
final class CountingMetrics implements ReconcileMetrics {
  final AtomicInteger reconciles = new AtomicInteger();

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
