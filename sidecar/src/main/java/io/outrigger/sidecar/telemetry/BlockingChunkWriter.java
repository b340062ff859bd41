package io.outrigger.sidecar.telemetry;

import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Writes a response in chunks from a worker thread with backpressure: at most {@code inFlight}
 * chunks are written and not yet taken by the client's socket; the next one waits until one is (or
 * gives up after {@code stall}). A client that stops reading holds that many chunks of this
 * response in memory, not the whole exposition.
 *
 * <p>Counted by the writes' own completions rather than the connection's writability, which a
 * thread off the event loop sees only after its queued writes have reached the channel: a fast
 * renderer would be far ahead by then.
 */
final class BlockingChunkWriter {
  private final HttpServerResponse response;
  private final Semaphore room;
  private final Duration stall;
  private volatile Throwable failed;

  BlockingChunkWriter(HttpServerResponse response, int inFlight, Duration stall) {
    this.response = response;
    this.room = new Semaphore(inFlight);
    this.stall = stall;
  }

  /** Writes {@code chunk} once the client has room for it; throws when it is gone or stalled. */
  void write(byte[] chunk) throws IOException {
    try {
      if (!room.tryAcquire(stall.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the client read nothing for " + stall.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (failed != null) {
      throw new IOException("the client went away", failed);
    }
    // Wrapped, not copied again; a failed write (the connection closed) fails the next one.
    response
        .write(BufferInternal.buffer(Unpooled.wrappedBuffer(chunk)))
        .onComplete(
            written -> {
              if (written.failed()) {
                failed = written.cause();
              }
              room.release();
            });
  }
}
