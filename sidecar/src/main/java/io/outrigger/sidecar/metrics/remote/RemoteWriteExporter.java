package io.outrigger.sidecar.metrics.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.config.SidecarConfig.RemoteWriteConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.metrics.MergedMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Sends the pod's merged metrics to a Prometheus remote-write endpoint (protobuf + snappy) every
 * interval. Samples wait in a bounded queue while the endpoint is unreachable or answers 5xx/429
 * and are retried on the next interval; when the queue is full the oldest go first, counted. A 4xx
 * other than 429 means the data itself is refused: that batch is dropped and counted rather than
 * retried forever.
 */
public final class RemoteWriteExporter {
  private static final int BATCH = 5_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final MergedMetrics metrics;
  private final MeterRegistry registry;
  private final ArrayDeque<RemoteWriteRequest.Series> pending = new ArrayDeque<>();
  private volatile RemoteWriteConfig config;
  private long timer = -1;
  private boolean sending;

  public RemoteWriteExporter(Vertx vertx, MergedMetrics metrics, MeterRegistry registry) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.metrics = metrics;
    this.registry = registry;
    Gauge.builder("outrigger.remote.write.pending", pending, q -> q.size())
        .description("Samples waiting to be sent by remote write")
        .register(registry);
  }

  public synchronized void apply(RemoteWriteConfig next) {
    if (next != null && next.equals(config)) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    config = next;
    if (next == null) {
      pending.clear();
      return;
    }
    timer = vertx.setPeriodic(1, next.interval().toMillis(), id -> collectAndSend());
  }

  /** Takes the current samples into the queue and sends what is queued. */
  public Future<Void> collectAndSend() {
    RemoteWriteConfig target = config;
    if (target == null) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () -> RemoteWriteRequest.series(metrics.families(), System.currentTimeMillis()), false)
        .compose(
            series -> {
              enqueue(series, target.queueCapacity());
              return send(target);
            })
        .recover(error -> Future.succeededFuture());
  }

  /** Sends everything queued on shutdown, once, without retrying. */
  public Future<Void> flush() {
    RemoteWriteConfig target = config;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return target == null
        ? Future.succeededFuture()
        : send(target).recover(error -> Future.succeededFuture());
  }

  private synchronized void enqueue(List<RemoteWriteRequest.Series> series, int capacity) {
    pending.addAll(series);
    int overflow = pending.size() - capacity;
    for (int i = 0; i < overflow; i++) {
      pending.pollFirst();
    }
    if (overflow > 0) {
      count("dropped", overflow);
    }
  }

  private synchronized List<RemoteWriteRequest.Series> nextBatch() {
    List<RemoteWriteRequest.Series> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
    for (RemoteWriteRequest.Series s : pending) {
      if (batch.size() == BATCH) {
        break;
      }
      batch.add(s);
    }
    return batch;
  }

  private synchronized void remove(int sent) {
    for (int i = 0; i < sent; i++) {
      pending.pollFirst();
    }
  }

  private Future<Void> send(RemoteWriteConfig target) {
    synchronized (this) {
      if (sending) {
        return Future.succeededFuture(); // the previous interval's send is still going
      }
      sending = true;
    }
    return sendBatches(target)
        .onComplete(
            done -> {
              synchronized (this) {
                sending = false;
              }
            });
  }

  private Future<Void> sendBatches(RemoteWriteConfig target) {
    List<RemoteWriteRequest.Series> batch = nextBatch();
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    byte[] body;
    try {
      body = Snappy.compress(RemoteWriteRequest.encode(batch));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(target.url())
            .setTimeout(target.interval().toMillis())
            .putHeader("content-type", "application/x-protobuf")
            .putHeader("content-encoding", "snappy")
            .putHeader("x-prometheus-remote-write-version", "0.1.0")
            .putHeader("user-agent", "outrigger-sidecar");
    return client
        .request(options)
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(answer -> response.statusCode()))
        .compose(
            status -> {
              if (status / 100 == 2) {
                remove(batch.size());
                count("sent", batch.size());
                return sendBatches(target);
              }
              if (status / 100 == 4 && status != 429) {
                remove(batch.size());
                count("rejected", batch.size());
                JsonLog.warn(
                    "remote write refused a batch; dropped",
                    "status",
                    status,
                    "samples",
                    batch.size());
                return sendBatches(target);
              }
              count("retried", batch.size());
              return Future.failedFuture("remote write answered " + status);
            },
            error -> {
              count("retried", batch.size());
              return Future.failedFuture(error);
            });
  }

  private void count(String result, int samples) {
    Counter.builder("outrigger.remote.write.samples")
        .description("Samples handled by remote write, by result")
        .tag("result", result)
        .register(registry)
        .increment(samples);
  }
}
