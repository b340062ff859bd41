package io.outrigger.sidecar.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.sidecar.PodIdentity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's delivery rules with a stand-in output (the real outputs have their own tests and
 * the process-level ITs use them): checkpoints move only after acknowledgement, a failing output
 * gets the batch again, enrichment and trace ids reach the record.
 */
class LogPipelineTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final PodIdentity pod =
      new PodIdentity(
          "checkout-1",
          "shop",
          "node-a",
          "uid-1",
          "checkout",
          Map.of("app", "checkout", "team", "x"));

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Records what it is sent; acknowledges only when told to, or fails the first sends. */
  static final class StandInOutput implements LogOutput {
    final List<LogRecord> received = new CopyOnWriteArrayList<>();
    final List<Promise<Void>> pending = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    final AtomicInteger sends = new AtomicInteger();
    volatile boolean holdAcks;

    @Override
    public String name() {
      return "stand-in";
    }

    @Override
    public Future<Void> send(List<LogRecord> batch) {
      sends.incrementAndGet();
      if (failFirst.getAndDecrement() > 0) {
        return Future.failedFuture(new RuntimeException("receiver down"));
      }
      received.addAll(batch);
      if (holdAcks) {
        Promise<Void> ack = Promise.promise();
        pending.add(ack);
        return ack.future();
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private SidecarConfig.LogsConfig config(String extra) {
    return SidecarConfigCodec.readYaml(
            "logs:\n  enabled: true\n  directory: " + dir + "\n  paths: ['*.log']\n" + extra,
            "test")
        .logs();
  }

  private long checkpointOffset() throws Exception {
    Path file = LogPipeline.checkpointFile(dir.toString());
    if (!Files.exists(file)) {
      return -1;
    }
    JsonNode doc = new ObjectMapper().readTree(file.toFile());
    return doc.at("/files/0/offset").asLong(-1);
  }

  @Test
  void checkpointsMoveOnlyAfterTheOutputAcknowledged() throws Exception {
    StandInOutput output = new StandInOutput();
    output.holdAcks = true;
    Files.write(dir.resolve("a.log"), IntStream.range(0, 100).mapToObj(i -> "line-" + i).toList());
    long size = Files.size(dir.resolve("a.log"));
    LogPipeline pipeline =
        new LogPipeline(vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of(output));
    pipeline.start(config(""));
    await().atMost(Duration.ofSeconds(10)).until(() -> !output.received.isEmpty());
    Thread.sleep(600);
    assertThat(output.sends.get())
        .as("at most MAX_IN_FLIGHT batches wait for acknowledgement")
        .isBetween(1, LogSender.MAX_IN_FLIGHT);
    assertThat(checkpointOffset()).as("nothing acknowledged yet").isLessThanOrEqualTo(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              output.pending.forEach(p -> vertx.runOnContext(v -> p.tryComplete()));
              return checkpointOffset() == size;
            });
    assertThat(output.received).hasSize(100);
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void offsetsMoveInOrderWhenBatchesAreAcknowledgedOutOfOrder() throws Exception {
    StandInOutput output = new StandInOutput();
    output.holdAcks = true;
    Path log = dir.resolve("a.log");
    LogPipeline pipeline =
        new LogPipeline(vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of(output));
    pipeline.start(config(""));
    // Lines arrive one by one, so each goes out as its own batch while the others wait.
    for (int i = 0; i < LogSender.MAX_IN_FLIGHT; i++) {
      Files.writeString(
          log,
          "line-" + i + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      int expected = i + 1;
      await().atMost(Duration.ofSeconds(10)).until(() -> output.pending.size() == expected);
    }
    // The last batch is acknowledged first: nothing may be checkpointed before the first is.
    Promise<Void> last = output.pending.get(output.pending.size() - 1);
    vertx.runOnContext(v -> last.complete());
    Thread.sleep(700);
    assertThat(checkpointOffset()).isLessThanOrEqualTo(0);
    output.pending.forEach(p -> vertx.runOnContext(v -> p.tryComplete()));
    await().atMost(Duration.ofSeconds(10)).until(() -> checkpointOffset() == Files.size(log));
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void aFailingOutputGetsTheSameBatchAgainAndNothingIsLost() throws Exception {
    StandInOutput output = new StandInOutput();
    output.failFirst.set(3);
    Files.write(dir.resolve("a.log"), IntStream.range(0, 50).mapToObj(i -> "line-" + i).toList());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LogPipeline pipeline = new LogPipeline(vertx, registry, pod, "app", c -> List.of(output));
    pipeline.start(config(""));
    await().atMost(Duration.ofSeconds(15)).until(() -> output.received.size() >= 50);
    // Several batches are in flight, so a retried one may land after a later one.
    assertThat(output.received)
        .extracting(LogRecord::body)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 50).mapToObj(i -> "line-" + i).toList());
    assertThat(output.sends.get()).isGreaterThanOrEqualTo(4);
    assertThat(registry.find("outrigger.log.records.failed").counter().count()).isPositive();
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void recordsAreParsedEnrichedAndCarryTheirTraceIds() throws Exception {
    StandInOutput output = new StandInOutput();
    Files.writeString(
        dir.resolve("app.log"),
        "{\"ts\":\"2024-05-01T12:00:00Z\",\"level\":\"info\",\"msg\":\"handled\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\",\"status\":200}\n");
    LogPipeline pipeline =
        new LogPipeline(vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of(output));
    pipeline.start(config("  podLabels: [app]\n  parser: {format: json, timeField: ts}\n"));
    await().atMost(Duration.ofSeconds(10)).until(() -> output.received.size() == 1);
    LogRecord record = output.received.get(0);
    assertThat(record.body()).isEqualTo("handled");
    assertThat(record.severity()).isEqualTo("info");
    assertThat(record.timestamp()).hasToString("2024-05-01T12:00:00Z");
    assertThat(record.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(record.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(record.attributes())
        .containsEntry("status", 200L)
        .containsEntry("k8s.pod.name", "checkout-1")
        .containsEntry("k8s.namespace.name", "shop")
        .containsEntry("k8s.node.name", "node-a")
        .containsEntry("k8s.container.name", "app")
        .containsEntry("k8s.pod.label.app", "checkout")
        .containsEntry("log.file.path", dir.resolve("app.log").toString())
        .doesNotContainKeys("trace_id", "span_id", "k8s.pod.label.team");
    JsonNode status = pipeline.status(true);
    assertThat(status.get("state").asText()).isEqualTo("ready");
    assertThat(status.at("/files/0/path").asText()).endsWith("app.log");
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void parserChangesApplyLiveAndInvalidOnesAreRejectedKeepingTheRunningOnes() throws Exception {
    StandInOutput output = new StandInOutput();
    Path log = dir.resolve("a.log");
    Files.writeString(log, "level=warn msg=first\n");
    LogPipeline pipeline =
        new LogPipeline(vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of(output));
    pipeline.start(config(""));
    await().atMost(Duration.ofSeconds(10)).until(() -> output.received.size() == 1);
    assertThat(output.received.get(0).body()).isEqualTo("level=warn msg=first");
    pipeline.apply(config("  parser: {format: logfmt}\n"));
    pipeline.apply(config("  parser: {format: regex, pattern: '(unclosed'}\n"));
    assertThat(pipeline.status(true).get("lastError").asText()).contains("logs.parser.pattern");
    Files.writeString(log, "level=warn msg=second\n", java.nio.file.StandardOpenOption.APPEND);
    await().atMost(Duration.ofSeconds(10)).until(() -> output.received.size() == 2);
    assertThat(output.received.get(1).body()).isEqualTo("second");
    assertThat(output.received.get(1).severity()).isEqualTo("warn");
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void invalidSettingsOrNoOutputRefuseToStartNamingTheField() {
    LogPipeline none =
        new LogPipeline(vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of());
    assertThatThrownBy(() -> none.start(config(""))).hasMessageStartingWith("logs.outputs");
    LogPipeline bad =
        new LogPipeline(
            vertx, new SimpleMeterRegistry(), pod, "app", c -> List.of(new StandInOutput()));
    assertThatThrownBy(() -> bad.start(config("  multiline: {startPattern: '['}\n")))
        .hasMessageStartingWith("logs.multiline.startPattern");
  }
}
