package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.config.SidecarConfig.HttpOutputConfig;
import io.outrigger.sidecar.logs.sink.JsonLinesSink;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP JSON lines against a sink parsing each line with Jackson; stdout into a buffer. */
class HttpJsonLinesOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;
  private JsonLinesSink sink;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sink = new JsonLinesSink();
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
    await(vertx.close(), WAIT);
  }

  private HttpJsonLinesOutput output() {
    return new HttpJsonLinesOutput(
        vertx,
        new HttpOutputConfig(
            sink.url() + JsonLinesSink.PATH, Map.of("authorization", "Bearer t"), WAIT));
  }

  @Test
  void oneJsonObjectPerRecordWithTypedFields() throws Exception {
    await(output().send(numbered(0, 20)), WAIT);
    assertThat(sink.rejected()).isEmpty();
    assertThat(sink.records()).hasSize(20);
    JsonNode first = sink.records().get(0);
    assertThat(first.get("time").asText()).isEqualTo("2026-11-26T10:15:30.123456789Z");
    assertThat(first.get("message").asText()).isEqualTo("line 0");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(first.get("seq").isIntegralNumber()).isTrue();
    assertThat(first.get("ratio").asDouble()).isEqualTo(0.5);
    assertThat(first.get("ok").asBoolean()).isTrue();
    assertThat(first.get("k8s.namespace.name").asText()).isEqualTo("shop");
    assertThat(sink.countsBy("id")).hasSize(20);
  }

  @Test
  void anErrorStatusFailsTheBatch() throws Exception {
    sink.failNext(1, 500);
    assertThat(failureOf(output().send(numbered(0, 2)), WAIT)).hasMessageContaining("answered 500");
    await(output().send(numbered(0, 2)), WAIT);
    assertThat(sink.records()).hasSize(2);
  }

  @Test
  void aRefusedConnectionFailsTheBatch() throws Exception {
    sink.stop();
    assertThat(failureOf(output().send(numbered(0, 2)), WAIT)).isNotNull();
  }

  @Test
  void stdoutWritesTheSameJsonLines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StdoutOutput stdout = new StdoutOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    await(stdout.send(numbered(0, 3)), WAIT);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(HttpJsonLinesOutput.lines(numbered(0, 3)))
        .hasLineCount(3);
  }

  @Test
  void stdoutThatCannotBeWrittenFailsTheBatch() throws Exception {
    PrintStream broken =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("closed");
              }
            });
    assertThat(failureOf(new StdoutOutput(broken).send(numbered(0, 1)), WAIT))
        .hasMessageContaining("not writable");
  }
}
