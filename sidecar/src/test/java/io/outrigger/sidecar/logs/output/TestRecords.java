package io.outrigger.sidecar.logs.output;

import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Log records with unique {@code id} attributes, and a way to wait for an output's future. */
final class TestRecords {
  static final Instant TIME = Instant.parse("2026-11-26T10:15:30.123456789Z");

  private TestRecords() {}

  /** Records {@code id-<from>} .. {@code id-<from+count-1>}, the first with trace context. */
  static List<LogRecord> numbered(int from, int count) {
    List<LogRecord> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      boolean traced = i == from;
      records.add(
          new LogRecord(
              TIME.plusNanos(i),
              "INFO",
              "line " + i,
              Map.of(
                  "id",
                  "id-" + i,
                  "k8s.pod.name",
                  "checkout-7d9f",
                  "k8s.namespace.name",
                  "shop",
                  "k8s.container.name",
                  "app",
                  "log.file.path",
                  "/var/log/app/app.log",
                  "seq",
                  (long) i,
                  "ratio",
                  0.5,
                  "ok",
                  true),
              traced ? "4bf92f3577b34da6a3ce929d0e0e4736" : null,
              traced ? "00f067aa0ba902b7" : null));
    }
    return records;
  }

  static <T> T await(Future<T> future, Duration timeout) throws Exception {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** The failure of a future that must fail within {@code timeout}. */
  static Throwable failureOf(Future<?> future, Duration timeout) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .until(future::isComplete);
    if (future.succeeded()) {
      throw new AssertionError("the future succeeded but was expected to fail");
    }
    return future.cause();
  }
}
