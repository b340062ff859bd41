package io.outrigger.sidecar.component;

import io.outrigger.sidecar.JsonLog;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a step of a shutdown, at most so long, without letting its failure stop the rest. */
public final class Bounded {
  private Bounded() {}

  /**
   * Waits for {@code done} up to {@code timeout}; a failure or timeout is logged as {@code
   * problem}.
   */
  public static void await(String problem, Future<?> done, Duration timeout) {
    try {
      done.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      JsonLog.warn(problem, "error", String.valueOf(e));
    }
  }
}
