package io.outrigger.sidecar.logs.output;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.PackedRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Sends each batch through another output until it is acknowledged, waiting an {@link
 * ExponentialBackoff} between attempts. It never gives up on a batch: the pipeline keeps holding it
 * (and, once its buffer is full, stops reading the files), so nothing is dropped while a receiver
 * is down or refusing. Only {@link #close()} fails the batches still being retried.
 *
 * <p>Counts per output: records sent, attempts that failed, attempts that were retries.
 */
public final class RetryingOutput implements LogOutput {
  private final LogOutput delegate;
  private final Vertx vertx;
  private final ExponentialBackoff backoff;
  private final Counter sent;
  private final Counter failed;
  private final Counter retried;
  private volatile boolean closed;

  public RetryingOutput(
      LogOutput delegate, Vertx vertx, ExponentialBackoff backoff, MeterRegistry registry) {
    this.delegate = delegate;
    this.vertx = vertx;
    this.backoff = backoff;
    this.sent =
        Counter.builder("outrigger.log.output.sent")
            .description("Log records the output's receiver acknowledged")
            .tag("output", delegate.name())
            .register(registry);
    this.failed =
        Counter.builder("outrigger.log.output.failed")
            .description("Batch sends that failed (each is retried; nothing is dropped)")
            .tag("output", delegate.name())
            .register(registry);
    this.retried =
        Counter.builder("outrigger.log.output.retried")
            .description("Batch sends that were retries of a failed send")
            .tag("output", delegate.name())
            .register(registry);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    Promise<Void> done = Promise.promise();
    attempt(() -> delegate.send(batch), batch.size(), 0, done);
    return done.future();
  }

  @Override
  public Future<Void> sendPacked(List<PackedRecord> batch) {
    Promise<Void> done = Promise.promise();
    attempt(() -> delegate.sendPacked(batch), batch.size(), 0, done);
    return done.future();
  }

  private void attempt(Supplier<Future<Void>> send, int records, int retry, Promise<Void> done) {
    if (closed) {
      done.fail(
          new IllegalStateException("output " + name() + " closed before the batch was sent"));
      return;
    }
    Future<Void> sending;
    try {
      sending = send.get();
    } catch (RuntimeException e) {
      sending = Future.failedFuture(e);
    }
    sending.onComplete(
        result -> {
          if (result.succeeded()) {
            sent.increment(records);
            done.complete();
            return;
          }
          failed.increment();
          long delay = backoff.delayMillis(retry, ThreadLocalRandom.current().nextDouble());
          JsonLog.warn(
              "log output send failed; retrying",
              "output",
              name(),
              "records",
              records,
              "attempt",
              retry + 1,
              "retryInMs",
              delay,
              "error",
              String.valueOf(result.cause().getMessage()));
          vertx.setTimer(
              Math.max(1, delay),
              id -> {
                retried.increment();
                attempt(send, records, retry + 1, done);
              });
        });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return delegate.close();
  }
}
