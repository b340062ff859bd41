package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries without limit, counts, survives a throwing output, and gives up only on close. */
class RetryingOutputTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path rejectedDir;

  private static final Duration WAIT = Duration.ofSeconds(10);
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() throws Exception {
    await(vertx.close(), WAIT);
  }

  /** Fails its first {@code failures} sends (the first by throwing), then succeeds. */
  static final class FlakyOutput implements LogOutput {
    final AtomicInteger sends = new AtomicInteger();
    private final int failures;

    FlakyOutput(int failures) {
      this.failures = failures;
    }

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public Future<Void> send(List<LogRecord> batch) {
      int n = sends.incrementAndGet();
      if (n == 1 && failures > 0) {
        throw new IllegalStateException("thrown, not returned");
      }
      return n <= failures ? Future.failedFuture("refused " + n) : Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private RetryingOutput retrying(LogOutput output) {
    return new RetryingOutput(
        output,
        vertx,
        new ExponentialBackoff(Duration.ofMillis(1), Duration.ofMillis(5)),
        registry,
        new RejectedRecords(vertx, rejectedDir, registry));
  }

  @Test
  void aBatchIsRetriedUntilItIsAcknowledgedAndEveryAttemptCounted() throws Exception {
    FlakyOutput flaky = new FlakyOutput(20);
    await(retrying(flaky).send(numbered(0, 7)), WAIT);
    assertThat(flaky.sends).hasValue(21);
    assertThat(registry.counter("outrigger.log.output.failed", "output", "flaky").count())
        .isEqualTo(20);
    assertThat(registry.counter("outrigger.log.output.retried", "output", "flaky").count())
        .isEqualTo(20);
    assertThat(registry.counter("outrigger.log.output.sent", "output", "flaky").count())
        .isEqualTo(7);
  }

  @Test
  void closingFailsTheBatchStillBeingRetried() throws Exception {
    FlakyOutput never = new FlakyOutput(Integer.MAX_VALUE);
    RetryingOutput output = retrying(never);
    Future<Void> sending = output.send(numbered(0, 1));
    Awaitility.await().atMost(WAIT).until(() -> never.sends.get() >= 3);
    await(output.close(), WAIT);
    assertThat(failureOf(sending, WAIT)).hasMessageContaining("closed before the batch was sent");
    assertThat(registry.counter("outrigger.log.output.sent", "output", "flaky").count()).isZero();
  }
}
