package io.outrigger.operator.report;

/** What the report endpoint counts; the Quarkus layer backs it with Micrometer. */
public interface ReportMetrics {
  void report(int httpStatus);

  ReportMetrics NONE = httpStatus -> {};
}
