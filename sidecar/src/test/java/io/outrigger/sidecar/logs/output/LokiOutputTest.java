package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outrigger.config.SidecarConfig.LokiConfig;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.sink.LokiSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Loki output against a push endpoint that parses the JSON with Jackson. */
class LokiOutputTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path rejectedDir;

  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;
  private LokiSink sink;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sink = new LokiSink();
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
    await(vertx.close(), WAIT);
  }

  private LokiOutput output(boolean structuredMetadata) {
    return new LokiOutput(
        vertx,
        new LokiConfig(
            sink.url(),
            Map.of("cluster", "eu-1"),
            "team-a",
            Duration.ofSeconds(2),
            structuredMetadata));
  }

  @Test
  void recordsArriveAsStreamsOfBoundedLabelsWithJsonLines() throws Exception {
    List<LogRecord> batch = new ArrayList<>(numbered(0, 10));
    batch.add(
        new LogRecord(
            TestRecords.TIME,
            "ERROR",
            "from the sidecar container",
            Map.of("id", "other", "k8s.container.name", "init", "k8s.pod.name", "checkout-7d9f"),
            null,
            null));
    await(output(true).send(batch), WAIT);

    assertThat(sink.rejected()).isEmpty();
    assertThat(sink.entries()).hasSize(11);
    assertThat(sink.tenants()).containsExactly("team-a");
    LokiSink.Entry first = sink.entries().get(0);
    assertThat(first.labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "namespace",
                "shop",
                "pod",
                "checkout-7d9f",
                "container",
                "app",
                "cluster",
                "eu-1"));
    assertThat(first.time()).isEqualTo(TestRecords.TIME);
    assertThat(first.field("message")).isEqualTo("line 0");
    assertThat(first.field("level")).isEqualTo("INFO");
    assertThat(first.field("seq")).isEqualTo("0");
    assertThat(first.field("log.file.path")).isEqualTo("/var/log/app/app.log");
    assertThat(first.field("k8s.pod.name")).as("a label, not repeated in the line").isNull();
    assertThat(first.metadata())
        .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
        .containsEntry("span_id", "00f067aa0ba902b7");
    assertThat(sink.entries().get(1).metadata()).isEmpty();
    assertThat(sink.entries().stream().map(LokiSink.Entry::labels).distinct())
        .as("two streams: app and init containers")
        .hasSize(2);
    assertThat(sink.countsBy("id")).hasSize(11);
  }

  @Test
  void structuredMetadataCanBeTurnedOffForOlderLoki() throws Exception {
    await(output(false).send(numbered(0, 1)), WAIT);
    assertThat(sink.entries().get(0).metadata()).isEmpty();
    assertThat(sink.entries().get(0).field("trace_id"))
        .as("still in the line")
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aRefusalFailsTheBatchWithLokisAnswer() throws Exception {
    sink.failNext(1, 429);
    Throwable failure = failureOf(output(true).send(numbered(0, 3)), WAIT);
    assertThat(failure).hasMessageContaining("answered 429").hasMessageContaining("on purpose");
  }

  @Test
  void theReceiverDownThenUpDeliversEverythingOnce() throws Exception {
    sink.stop();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput retrying =
        new RetryingOutput(
            output(true),
            vertx,
            new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(300)),
            registry,
            new RejectedRecords(vertx, rejectedDir, registry));
    Future<Void> sending = retrying.send(numbered(0, 50));
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> registry.counter("outrigger.log.output.failed", "output", "loki").count() >= 2);
    sink.resume();
    await(sending, WAIT);
    assertThat(sink.countsBy("id")).hasSize(50);
    assertThat(sink.duplicates("id")).isZero();
    assertThat(registry.counter("outrigger.log.output.sent", "output", "loki").count())
        .isEqualTo(50);
  }

  @Test
  void aSlowReceiverIsWaitedForWithinTheTimeout() throws Exception {
    sink.answerDelay(Duration.ofMillis(500));
    await(output(true).send(numbered(0, 2)), WAIT);
    assertThat(sink.entries()).hasSize(2);
  }

  @Test
  void aReceiverSlowerThanTheTimeoutFailsTheBatch() throws Exception {
    sink.answerDelay(Duration.ofSeconds(4));
    assertThat(failureOf(output(true).send(numbered(0, 2)), WAIT)).isNotNull();
  }

  @Test
  void thePushPathIsAddedToABaseUrl() {
    assertThat(LokiOutput.pushUrl("http://loki:3100"))
        .isEqualTo("http://loki:3100/loki/api/v1/push");
    assertThat(LokiOutput.pushUrl("http://loki:3100/loki/api/v1/push"))
        .isEqualTo("http://loki:3100/loki/api/v1/push");
  }

  @Test
  void recordsWithoutPodAttributesStillGetALabel() {
    LogRecord bare = new LogRecord(TestRecords.TIME, null, "x", Map.of(), null, null);
    assertThat(LokiPushBody.labels(bare, Map.of())).containsExactly(Map.entry("job", "outrigger"));
  }
}
