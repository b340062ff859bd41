package io.outrigger.operator.reconciler;

/** What the reconciler counts; the Quarkus layer backs it with Micrometer, tests with nothing. */
public interface ReconcileMetrics {
  void reconciled(long elapsedNanos);

  void error();

  void statusWrite();

  /** The current number of missed pods of one policy (a gauge). */
  void missed(String namespace, String policy, int pods);

  ReconcileMetrics NONE =
      new ReconcileMetrics() {
        @Override
        public void reconciled(long elapsedNanos) {}

        @Override
        public void error() {}

        @Override
        public void statusWrite() {}

        @Override
        public void missed(String namespace, String policy, int pods) {}
      };
}
