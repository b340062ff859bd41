package io.outrigger.sidecar.logs;

import io.outrigger.sidecar.JsonLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes batches from the {@link LogBuffer} and delivers each to every output, up to {@link
 * #MAX_IN_FLIGHT} batches at a time, on a Vert.x context. A batch is done when every output
 * acknowledged it; an output that fails is sent the same batch again after a backoff (exponential,
 * with jitter) until it succeeds, while the others are not sent it twice. Only then do the files'
 * offsets move (at-least-once), in order. Batches are whatever waited while the previous one was in
 * flight, so a busy pipeline sends big batches and an idle one sends each line at once.
 */
public final class LogSender {
  static final int MAX_BATCH_RECORDS = 2000;
  static final long MAX_BATCH_BYTES = 2 * 1024 * 1024; // of packed records

  /** Batches sent before the first is acknowledged: keeps the wire busy across ack round trips. */
  static final int MAX_IN_FLIGHT = 4;

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5000;

  private final Vertx vertx;
  private final Context context;
  private final LogBuffer buffer;
  private final LogMetrics metrics;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
  private volatile List<LogOutput> outputs;
  private volatile int outputsVersion;
  private volatile boolean closed;
  private volatile Promise<Void> idle;
  private volatile String lastError;
  private volatile long batchesSent;
  private volatile long inFlightSince; // nanoTime the batch in flight was taken; 0 when idle

  public LogSender(Vertx vertx, LogBuffer buffer, LogMetrics metrics, List<LogOutput> outputs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.buffer = buffer;
    this.metrics = metrics;
    this.outputs = List.copyOf(outputs);
    buffer.onAvailable(this::kick);
  }

  /**
   * Uses {@code next} from the next batch on (a batch in flight is delivered again to the new set
   * if it was not done yet); returns the outputs it replaced, for the caller to close.
   */
  public List<LogOutput> replaceOutputs(List<LogOutput> next) {
    List<LogOutput> previous = outputs;
    outputs = List.copyOf(next);
    outputsVersion++;
    return previous;
  }

  public List<LogOutput> outputs() {
    return outputs;
  }

  public String lastError() {
    return lastError;
  }

  public long batchesSent() {
    return batchesSent;
  }

  /** How long the batch in flight has waited for its acknowledgements; zero when none is. */
  public java.time.Duration waitingForAck() {
    long since = inFlightSince;
    return since == 0
        ? java.time.Duration.ZERO
        : java.time.Duration.ofNanos(System.nanoTime() - since);
  }

  /** Sends whatever the buffer holds; safe to call from any thread, any number of times. */
  public void kick() {
    if (!closed && scheduled.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            scheduled.set(false);
            next();
          });
    }
  }

  /** Completes when the buffer is empty and nothing is in flight (or at once when it is). */
  public Future<Void> drained() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(
        v -> {
          if (inFlight.isEmpty() && buffer.size() == 0) {
            promise.complete();
          } else {
            idle = promise;
            kick();
          }
        });
    return promise.future();
  }

  /** Stops sending; batches in flight are abandoned (not checkpointed, so they are re-read). */
  public void close() {
    closed = true;
  }

  /** A batch sent and not yet acknowledged by every output. Event-loop only. */
  private static final class InFlight {
    final List<BufferedRecord> batch;
    final long takenAt = System.nanoTime();
    boolean done;

    InFlight(List<BufferedRecord> batch) {
      this.batch = batch;
    }
  }

  /**
   * Sends batches until {@link #MAX_IN_FLIGHT} wait for acknowledgement or the buffer is empty.
   * Batches may be acknowledged out of order; offsets move strictly in order, only over the
   * acknowledged batches at the head.
   */
  private void next() {
    if (closed) {
      return;
    }
    while (inFlight.size() < MAX_IN_FLIGHT) {
      List<BufferedRecord> batch = buffer.take(MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
      if (batch.isEmpty()) {
        break;
      }
      InFlight sent = new InFlight(batch);
      inFlight.addLast(sent);
      List<PackedRecord> records = new ArrayList<>(batch.size());
      for (BufferedRecord r : batch) {
        records.add(r.record());
      }
      deliver(records, new ArrayList<>(outputs), outputsVersion)
          .onComplete(
              done -> {
                if (closed) {
                  return;
                }
                sent.done = true;
                acknowledgeHead();
                kick(); // not next(): an output that completes at once would recurse
              });
    }
    InFlight head = inFlight.peekFirst();
    inFlightSince = head == null ? 0 : head.takenAt;
    if (inFlight.isEmpty() && buffer.size() == 0) {
      if (idle != null) {
        Promise<Void> waiting = idle;
        idle = null;
        waiting.complete();
      }
    }
  }

  private void acknowledgeHead() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      List<BufferedRecord> batch = inFlight.pollFirst().batch;
      for (BufferedRecord r : batch) {
        r.origin().acknowledged(r.endOffset());
      }
      batchesSent++;
      metrics.sent(batch.size());
    }
  }

  /**
   * Every output acknowledged; when the outputs are replaced meanwhile, delivered to the new set.
   */
  private Future<Void> deliver(List<PackedRecord> records, List<LogOutput> targets, int version) {
    List<Future<Void>> each = new ArrayList<>(targets.size());
    for (LogOutput output : targets) {
      each.add(untilAcknowledged(output, records, version, 0));
    }
    return Future.all(each)
        .<Void>mapEmpty()
        .recover(
            changed -> {
              if (closed) {
                return Future.failedFuture(changed);
              }
              return deliver(records, new ArrayList<>(outputs), outputsVersion);
            });
  }

  private Future<Void> untilAcknowledged(
      LogOutput output, List<PackedRecord> records, int version, int attempt) {
    Future<Void> sent;
    try {
      sent = output.sendPacked(records);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.transform(
        result -> {
          if (result.succeeded()) {
            lastError = null;
            return Future.succeededFuture();
          }
          metrics.failed(records.size());
          String message = output.name() + ": " + result.cause().getMessage();
          if (!message.equals(lastError)) {
            JsonLog.warn(
                "log output failed; the batch is sent again",
                "output",
                output.name(),
                "error",
                String.valueOf(result.cause().getMessage()),
                "records",
                records.size());
          }
          lastError = message;
          if (closed || version != outputsVersion) {
            return Future.failedFuture(result.cause());
          }
          Promise<Void> retried = Promise.promise();
          vertx.setTimer(
              backoffMillis(attempt),
              t -> untilAcknowledged(output, records, version, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }

  /** Exponential from 100 ms to 5 s, with full jitter so many sidecars do not retry in step. */
  static long backoffMillis(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt, 10));
    return Math.max(1, ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }
}
