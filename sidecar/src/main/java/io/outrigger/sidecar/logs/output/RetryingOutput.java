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
import java.util.function.Function;

/**
 * Sends each batch through another output until it is acknowledged, waiting an {@link
 * ExponentialBackoff} between attempts. It never gives up on a batch: the pipeline keeps holding it
 * (and, once its buffer is full, stops reading the files), so nothing is dropped while a receiver
 * is down. A batch the receiver refused for good ({@link RefusedBatchException}: too large, bad) is
 * split in halves down to the single record, and a record refused on its own is set aside in {@link
 * RejectedRecords}: counted, logged, kept on disk, and the pipeline moves on. Only {@link #close()}
 * fails the batches still being retried.
 *
 * <p>Counts per output: records sent, attempts that failed, attempts that were retries, batches
 * split.
 */
public final class RetryingOutput implements LogOutput {
  private final LogOutput delegate;
  private final Vertx vertx;
  private final ExponentialBackoff backoff;
  private final Counter sent;
  private final Counter failed;
  private final Counter retried;
  private final Counter splits;
  private final RejectedRecords rejected;
  private volatile boolean closed;

  public RetryingOutput(
      LogOutput delegate,
      Vertx vertx,
      ExponentialBackoff backoff,
      MeterRegistry registry,
      RejectedRecords rejected) {
    this.delegate = delegate;
    this.vertx = vertx;
    this.backoff = backoff;
    this.rejected = rejected;
    this.splits =
        Counter.builder("outrigger.log.output.split")
            .description("Batches the receiver refused as too large or bad, sent again in halves")
            .tag("output", delegate.name())
            .register(registry);
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
    return deliver(batch, delegate::send, record -> record);
  }

  @Override
  public Future<Void> sendPacked(List<PackedRecord> batch) {
    return deliver(batch, delegate::sendPacked, PackedRecord::unpack);
  }

  private <T> Future<Void> deliver(
      List<T> batch, Function<List<T>, Future<Void>> send, Function<T, LogRecord> unpack) {
    Promise<Void> done = Promise.promise();
    attempt(batch, send, unpack, 0, done);
    return done.future();
  }

  private <T> void attempt(
      List<T> batch,
      Function<List<T>, Future<Void>> send,
      Function<T, LogRecord> unpack,
      int retry,
      Promise<Void> done) {
    if (closed) {
      done.fail(
          new IllegalStateException("output " + name() + " closed before the batch was sent"));
      return;
    }
    Future<Void> sending;
    try {
      sending = send.apply(batch);
    } catch (RuntimeException e) {
      sending = Future.failedFuture(e);
    }
    sending.onComplete(
        result -> {
          if (result.succeeded()) {
            sent.increment(batch.size());
            done.complete();
            return;
          }
          failed.increment();
          if (result.cause() instanceof RefusedBatchException refused) {
            refused(batch, send, unpack, refused, retry, done);
            return;
          }
          retryLater(batch, send, unpack, retry, done, result.cause());
        });
  }

  /**
   * Sending a refused batch again as it is cannot succeed: it is split in halves, each delivered on
   * its own (and split again if refused), down to the single record, which is set aside.
   */
  private <T> void refused(
      List<T> batch,
      Function<List<T>, Future<Void>> send,
      Function<T, LogRecord> unpack,
      RefusedBatchException refused,
      int retry,
      Promise<Void> done) {
    if (batch.size() > 1) {
      int half = batch.size() / 2;
      List<T> first = List.copyOf(batch.subList(0, half));
      List<T> second = List.copyOf(batch.subList(half, batch.size()));
      splits.increment();
      JsonLog.info(
          "log batch refused by the receiver; sent again in halves",
          "output",
          name(),
          "status",
          refused.status(),
          "records",
          batch.size());
      deliver(first, send, unpack).compose(v -> deliver(second, send, unpack)).onComplete(done);
      return;
    }
    rejected
        .setAside(name(), unpack.apply(batch.get(0)), refused)
        .onSuccess(v -> done.complete())
        .onFailure(e -> retryLater(batch, send, unpack, retry, done, e));
  }

  private <T> void retryLater(
      List<T> batch,
      Function<List<T>, Future<Void>> send,
      Function<T, LogRecord> unpack,
      int retry,
      Promise<Void> done,
      Throwable cause) {
    long delay = backoff.delayMillis(retry, ThreadLocalRandom.current().nextDouble());
    JsonLog.warn(
        "log output send failed; retrying",
        "output",
        name(),
        "records",
        batch.size(),
        "attempt",
        retry + 1,
        "retryInMs",
        delay,
        "error",
        String.valueOf(cause.getMessage()));
    vertx.setTimer(
        Math.max(1, delay),
        id -> {
          retried.increment();
          attempt(batch, send, unpack, retry + 1, done);
        });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return delegate.close();
  }
}
