package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.OtlpLogsConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.logs.sink.OtlpLogsSink;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OTLP logs output against a sink decoding with opentelemetry-proto. */
class OtlpLogsOutputTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path rejectedDir;

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final PodIdentity POD =
      new PodIdentity("checkout-7d9f", "shop", "node-1", "uid-1", "checkout", Map.of());

  private Vertx vertx;
  private OtlpLogsSink sink;
  private OtlpLogsOutput output;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sink = new OtlpLogsSink();
    Resource resource = Tracing.resource(SidecarConfig.defaults().tracing(), POD);
    output =
        new OtlpLogsOutput(
            new OtlpLogsConfig(sink.url(), Map.of("x-tenant", "a"), Duration.ofSeconds(2)),
            resource);
  }

  @AfterEach
  void stop() throws Exception {
    await(output.close(), WAIT);
    sink.close();
    await(vertx.close(), WAIT);
  }

  @Test
  void recordsArriveWithThePodResourceTraceContextAndTypedAttributes() throws Exception {
    await(output.send(numbered(0, 25)), WAIT);

    assertThat(sink.rejected()).isEmpty();
    assertThat(sink.received()).hasSize(25);
    OtlpLogsSink.Received first = sink.received().get(0);
    assertThat(first.resource())
        .containsEntry("k8s.pod.name", "checkout-7d9f")
        .containsEntry("k8s.namespace.name", "shop")
        .containsEntry("k8s.node.name", "node-1")
        .containsEntry("service.name", "checkout");
    LogRecord record = first.record();
    assertThat(record.getBody().getStringValue()).isEqualTo("line 0");
    assertThat(record.getSeverityText()).isEqualTo("INFO");
    assertThat(record.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_INFO);
    assertThat(record.getTimeUnixNano())
        .isEqualTo(TestRecords.TIME.getEpochSecond() * 1_000_000_000L + TestRecords.TIME.getNano());
    assertThat(HexFormat.of().formatHex(record.getTraceId().toByteArray()))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(HexFormat.of().formatHex(record.getSpanId().toByteArray()))
        .isEqualTo("00f067aa0ba902b7");
    assertThat(first.attribute("id")).isEqualTo("id-0");
    assertThat(first.attribute("seq")).isEqualTo("0");
    assertThat(first.attribute("ratio")).isEqualTo("0.5");
    assertThat(first.attribute("ok")).isEqualTo("true");
    assertThat(first.attribute("k8s.container.name")).isEqualTo("app");
    assertThat(first.attribute("k8s.pod.name")).as("already in the resource").isNull();
    assertThat(sink.received().get(1).record().getTraceId().isEmpty()).isTrue();
    assertThat(sink.countsBy("id")).hasSize(25);
  }

  @Test
  void aTraceIdWithoutASpanIdIsKeptAsAnAttribute() throws Exception {
    var record =
        new io.outrigger.sidecar.logs.LogRecord(
            TestRecords.TIME, null, "x", Map.of(), "4bf92f3577b34da6a3ce929d0e0e4736", null);
    await(output.send(List.of(record)), WAIT);
    assertThat(sink.received().get(0).attribute("trace_id"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sink.received().get(0).record().getSeverityNumber())
        .isEqualTo(SeverityNumber.SEVERITY_NUMBER_UNSPECIFIED);
  }

  @Test
  void anErrorAnswerFailsTheBatchAndTheRetryDeliversIt() throws Exception {
    sink.failNext(2, 503);
    assertThat(failureOf(output.send(numbered(0, 5)), WAIT)).isNotNull();
    assertThat(sink.received()).isEmpty();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput retrying =
        new RetryingOutput(
            output,
            vertx,
            new ExponentialBackoff(Duration.ofMillis(20), Duration.ofMillis(100)),
            registry,
            new RejectedRecords(vertx, rejectedDir, registry));
    await(retrying.send(numbered(0, 5)), WAIT);
    assertThat(sink.countsBy("id")).hasSize(5);
    assertThat(registry.counter("outrigger.log.output.retried", "output", "otlp").count())
        .isEqualTo(1);
  }

  @Test
  void theReceiverDownMeansRetriesThenSuccess() throws Exception {
    sink.stop();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput retrying =
        new RetryingOutput(
            output,
            vertx,
            new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(300)),
            registry,
            new RejectedRecords(vertx, rejectedDir, registry));
    Future<Void> sending = retrying.send(numbered(0, 40));
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> registry.counter("outrigger.log.output.failed", "output", "otlp").count() >= 3);
    assertThat(sending.isComplete()).isFalse();
    sink.resume();
    await(sending, WAIT);
    assertThat(sink.countsBy("id")).hasSize(40);
    assertThat(sink.duplicates("id")).isZero();
  }

  @Test
  void theEndpointIsABaseUrlUnlessItAlreadyEndsInV1Logs() {
    assertThat(OtlpLogsOutput.logsUrl("http://otel:4318")).isEqualTo("http://otel:4318/v1/logs");
    assertThat(OtlpLogsOutput.logsUrl("http://otel:4318/")).isEqualTo("http://otel:4318/v1/logs");
    assertThat(OtlpLogsOutput.logsUrl("http://otel:4318/v1/logs"))
        .isEqualTo("http://otel:4318/v1/logs");
  }
}
