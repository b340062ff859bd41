package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig.ForwardOutputConfig;
import io.outrigger.config.SidecarConfig.HttpOutputConfig;
import io.outrigger.config.SidecarConfig.LogOutputsConfig;
import io.outrigger.config.SidecarConfig.LokiConfig;
import io.outrigger.config.SidecarConfig.OtlpLogsConfig;
import io.outrigger.sidecar.logs.RecordPacker;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import io.outrigger.sidecar.logs.sink.JsonLinesSink;
import io.outrigger.sidecar.logs.sink.LokiSink;
import io.outrigger.sidecar.logs.sink.OtlpLogsSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every configured output gets every batch; one output down delays, never duplicates others. */
class LogOutputsTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path rejectedDir;

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void eachOutputGetsEachBatchAndADownOneOnlyDelaysTheAck() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ForwardSink forward = ForwardSink.start();
        OtlpLogsSink otlp = new OtlpLogsSink();
        LokiSink loki = new LokiSink();
        JsonLinesSink http = new JsonLinesSink()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      LogOutputs outputs =
          LogOutputs.from(
              new LogOutputsConfig(
                  new ForwardOutputConfig("127.0.0.1", forward.port(), "t", true, false),
                  new OtlpLogsConfig(otlp.url()),
                  new LokiConfig(loki.url(), Map.of()),
                  new HttpOutputConfig(http.url() + JsonLinesSink.PATH),
                  false,
                  Duration.ofMillis(20),
                  Duration.ofMillis(200)),
              vertx,
              registry,
              Resource.getDefault(),
              new RejectedRecords(vertx, rejectedDir, registry));
      assertThat(outputs.names()).containsExactly("forward", "otlp", "loki", "http");

      await(outputs.send(numbered(0, 10)), WAIT);
      loki.stop();
      // The second batch as the pipeline sends it: packed (Forward sends the bytes, the rest
      // unpack).
      Future<Void> second = outputs.sendPacked(RecordPacker.packAll(numbered(10, 10)));
      Awaitility.await().atMost(WAIT).until(() -> forward.eventCount() == 20);
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.counter("outrigger.log.output.retried", "output", "loki").count() >= 2);
      assertThat(second.isComplete()).as("held until loki acks too").isFalse();
      loki.resume();
      await(second, WAIT);

      assertThat(forward.countsBy("id")).hasSize(20);
      assertThat(otlp.countsBy("id")).hasSize(20);
      assertThat(loki.countsBy("id")).hasSize(20);
      assertThat(http.countsBy("id")).hasSize(20);
      assertThat(forward.duplicates("id") + otlp.duplicates("id") + http.duplicates("id"))
          .as("the outputs that were up got each record once")
          .isZero();
      for (String name : outputs.names()) {
        assertThat(registry.counter("outrigger.log.output.sent", "output", name).count())
            .isEqualTo(20);
      }
      await(outputs.close(), WAIT);
    } finally {
      await(vertx.close(), WAIT);
    }
  }

  @Test
  void stdoutAloneIsTheDefault() {
    Vertx vertx = Vertx.vertx();
    try {
      LogOutputs outputs =
          LogOutputs.from(
              io.outrigger.config.SidecarConfig.defaults().logs().outputs(),
              vertx,
              new SimpleMeterRegistry(),
              Resource.getDefault(),
              new RejectedRecords(vertx, rejectedDir, new SimpleMeterRegistry()));
      assertThat(outputs.names()).containsExactly("stdout");
    } finally {
      vertx.close();
    }
  }
}
