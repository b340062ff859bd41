package io.outrigger.sidecar.logs;

import io.vertx.core.Future;
import java.util.List;

/**
 * A destination for log records. The pipeline hands it batches and advances the file checkpoints
 * only when the returned future succeeds, so an output must complete it only once the receiver has
 * acknowledged every record (Forward ack, HTTP 2xx, ...). A failed future means "nothing of this
 * batch is known to have arrived": the caller sends the same batch again (at-least-once).
 */
public interface LogOutput {

  /** A short name for metrics and status ({@code forward}, {@code otlp}, {@code loki}, ...). */
  String name();

  /** Sends one batch; completes when acknowledged, fails when it was not. */
  Future<Void> send(List<LogRecord> batch);

  /**
   * Sends one batch as the buffer holds it, with the same contract as {@link #send}. By default the
   * records are unpacked for {@link #send}; an output that sends Fluentd events (Forward) overrides
   * it to send the packed bytes as they are.
   */
  default Future<Void> sendPacked(List<PackedRecord> batch) {
    return send(PackedRecord.unpackAll(batch));
  }

  /** Releases connections; pending sends may fail. */
  Future<Void> close();
}
