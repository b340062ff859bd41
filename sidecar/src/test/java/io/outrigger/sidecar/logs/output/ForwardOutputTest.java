package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outrigger.config.SidecarConfig.ForwardOutputConfig;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Forward output against the msgpack-core Forward sink: frames, acks, failures, resends. */
class ForwardOutputTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path rejectedDir;

  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private ForwardSink sink;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sink = ForwardSink.start();
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
    await(vertx.close(), WAIT);
  }

  private ForwardOutput output(boolean requireAck, Duration ackTimeout, int port) {
    return new ForwardOutput(
        vertx,
        new ForwardOutputConfig(
            "127.0.0.1",
            port,
            "app.logs",
            requireAck,
            false,
            null,
            Duration.ofSeconds(1),
            ackTimeout));
  }

  private RetryingOutput retrying(ForwardOutput output, SimpleMeterRegistry registry) {
    return new RetryingOutput(
        output,
        vertx,
        new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(400)),
        registry,
        new RejectedRecords(vertx, rejectedDir, registry));
  }

  @Test
  void aBatchIsOnePackedForwardFrameAndCompletesOnTheAck() throws Exception {
    ForwardOutput output = output(true, WAIT, sink.port());
    await(output.send(numbered(0, 100)), WAIT);

    assertThat(sink.errors()).isEmpty();
    assertThat(sink.frames(ForwardSink.Mode.PACKED_FORWARD)).isEqualTo(1);
    assertThat(sink.acksSent()).isEqualTo(1);
    assertThat(sink.sizeMismatches()).as("size is the number of events").isZero();
    assertThat(sink.eventCount()).as("complete only once the sink stored and acked").isEqualTo(100);
    ForwardSink.Event first = sink.events().get(0);
    assertThat(first.tag()).isEqualTo("app.logs");
    assertThat(first.eventTime()).as("EventTime, not integer seconds").isTrue();
    assertThat(first.time()).isEqualTo(TestRecords.TIME);
    assertThat(first.chunk()).isNotNull().hasSize(24);
    assertThat(first.record())
        .containsEntry("message", "line 0")
        .containsEntry("level", "INFO")
        .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
        .containsEntry("span_id", "00f067aa0ba902b7")
        .containsEntry("k8s.pod.name", "checkout-7d9f")
        .containsEntry("seq", 0L)
        .containsEntry("ratio", 0.5)
        .containsEntry("ok", true);
    assertThat(sink.events().get(1).record()).doesNotContainKeys("trace_id", "span_id");
    assertThat(sink.events().get(99).time()).isEqualTo(TestRecords.TIME.plusNanos(99));
    assertThat(sink.countsBy("id")).hasSize(100);
    await(output.close(), WAIT);
  }

  @Test
  void consecutiveBatchesShareOneConnectionAndEachGetsItsOwnChunk() throws Exception {
    ForwardOutput output = output(true, WAIT, sink.port());
    await(
        Future.all(
            output.send(numbered(0, 10)),
            output.send(numbered(10, 10)),
            output.send(numbered(20, 10))),
        WAIT);
    assertThat(sink.connections()).isEqualTo(1);
    assertThat(sink.acksSent()).isEqualTo(3);
    assertThat(sink.events().stream().map(ForwardSink.Event::chunk).distinct()).hasSize(3);
    assertThat(sink.duplicates("id")).isZero();
    assertThat(sink.eventCount()).isEqualTo(30);
  }

  @Test
  void aHundredThousandRecordsInBatchesArriveEachOnce() throws Exception {
    sink.keepOnly("id");
    ForwardOutput output = output(true, WAIT, sink.port());
    for (int from = 0; from < 100_000; from += 2_000) {
      await(output.send(numbered(from, 2_000)), WAIT);
    }
    assertThat(sink.countsBy("id")).hasSize(100_000);
    assertThat(sink.duplicates("id")).isZero();
    assertThat(sink.events().get(0).record()).containsOnlyKeys("id");
  }

  @Test
  void withoutAckTheFrameHasNoChunkAndCompletesWhenWritten() throws Exception {
    ForwardOutput output = output(false, WAIT, sink.port());
    await(output.send(numbered(0, 5)), WAIT);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> sink.eventCount() == 5);
    assertThat(sink.events()).allSatisfy(e -> assertThat(e.chunk()).isNull());
    assertThat(sink.acksSent()).isZero();
  }

  @Test
  void aBatchWhoseAckNeverComesFailsAndIsResent() throws Exception {
    sink.withholdAcks(true);
    ForwardOutput output = output(true, Duration.ofMillis(300), sink.port());
    List<LogRecord> batch = numbered(0, 20);

    Throwable failure = failureOf(output.send(batch), WAIT);
    assertThat(failure)
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("no ack for chunk");
    assertThat(sink.eventCount()).as("stored, but never acked").isEqualTo(20);

    sink.withholdAcks(false);
    await(output.send(batch), WAIT);
    assertThat(sink.eventCount()).isEqualTo(40);
    assertThat(sink.duplicates("id")).as("at-least-once: the resend duplicates").isEqualTo(20);
    assertThat(sink.connections()).as("a missing ack drops the connection").isEqualTo(2);
  }

  @Test
  void aConnectionDroppedBeforeTheAckFailsTheBatchAndTheRetrySucceeds() throws Exception {
    sink.dropBeforeAck(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput output = retrying(output(true, WAIT, sink.port()), registry);
    await(output.send(numbered(0, 50)), WAIT);

    assertThat(sink.countsBy("id")).hasSize(50);
    assertThat(sink.duplicates("id")).isEqualTo(50);
    assertThat(registry.counter("outrigger.log.output.failed", "output", "forward").count())
        .isEqualTo(1);
    assertThat(registry.counter("outrigger.log.output.sent", "output", "forward").count())
        .isEqualTo(50);
  }

  @Test
  void theReceiverDownMeansRetriesWithBackoffThenSuccess() throws Exception {
    sink.stop();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput output = retrying(output(true, WAIT, sink.port()), registry);
    Future<Void> sending = output.send(numbered(0, 30));
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                registry.counter("outrigger.log.output.retried", "output", "forward").count() >= 3);
    assertThat(sending.isComplete()).as("held, not dropped, while the receiver is down").isFalse();

    sink.resume();
    await(sending, WAIT);
    assertThat(sink.countsBy("id")).hasSize(30);
    assertThat(sink.duplicates("id")).isZero();
    assertThat(registry.counter("outrigger.log.output.failed", "output", "forward").count())
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void aReceiverThatRestartsMidStreamLosesNothing() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RetryingOutput output = retrying(output(true, Duration.ofSeconds(2), sink.port()), registry);
    await(output.send(numbered(0, 10)), WAIT);
    sink.stop();
    Future<Void> during = output.send(numbered(10, 10));
    Thread.sleep(200);
    sink.resume();
    await(during, WAIT);
    await(output.send(numbered(20, 10)), WAIT);
    assertThat(sink.countsBy("id")).hasSize(30);
  }

  @Test
  void anAnswerThatIsNotAnAckFailsTheBatchWithAClearError() throws Exception {
    for (Buffer answer :
        List.of(
            Buffer.buffer(new byte[] {(byte) 0xc1}),
            Buffer.buffer(new byte[] {(byte) 0x92, 0x01, 0x02}),
            Buffer.buffer(new byte[] {(byte) 0x81, (byte) 0xa3, 'a', 'c', 'k', 0x07}))) {
      NetServer liar =
          await(
              vertx
                  .createNetServer()
                  .connectHandler(socket -> socket.handler(frame -> socket.write(answer)))
                  .listen(0, "127.0.0.1"),
              WAIT);
      ForwardOutput output = output(true, WAIT, liar.actualPort());
      Throwable failure = failureOf(output.send(numbered(0, 3)), WAIT);
      assertThat(failure)
          .isInstanceOf(ForwardAckDecoder.MalformedAckException.class)
          .hasMessageContaining("the receiver");
      await(output.close(), WAIT);
      await(liar.close(), WAIT);
    }
  }

  @Test
  void aReceiverThatNeverListenedFailsFastWithTheAddress() throws Exception {
    int port = sink.port();
    sink.stop();
    Throwable failure = failureOf(output(true, WAIT, port).send(numbered(0, 1)), WAIT);
    assertThat(failure).hasMessageContaining(String.valueOf(port));
  }

  @Test
  void closeFailsWhatIsStillWaitingForAnAck() throws Exception {
    sink.withholdAcks(true);
    ForwardOutput output = output(true, WAIT, sink.port());
    Future<Void> sending = output.send(numbered(0, 1));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> sink.eventCount() == 1);
    await(output.close(), WAIT);
    assertThat(failureOf(sending, WAIT)).hasMessageContaining("closed");
    assertThat(failureOf(output.send(numbered(1, 1)), WAIT)).hasMessageContaining("closed");
  }

  @Test
  void anEmptyBatchIsDoneWithoutAFrame() throws Exception {
    await(output(true, WAIT, sink.port()).send(List.of()), WAIT);
    assertThat(sink.connections()).isZero();
  }

  @Test
  void attributesNamedLikeTheRecordFieldsDoNotOverrideThem() throws Exception {
    LogRecord record =
        new LogRecord(
            TestRecords.TIME,
            "WARN",
            "the body",
            Map.of("message", "shadow", "id", "x"),
            null,
            null);
    await(output(true, WAIT, sink.port()).send(List.of(record)), WAIT);
    assertThat(sink.events().get(0).record())
        .containsEntry("message", "the body")
        .containsEntry("level", "WARN")
        .hasSize(3);
  }
}
