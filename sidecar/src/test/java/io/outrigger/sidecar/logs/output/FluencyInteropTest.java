package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.komamitsu.fluency.EventTime;
import org.komamitsu.fluency.Fluency;
import org.komamitsu.fluency.fluentd.FluencyBuilderForFluentd;

/**
 * Fluency (komamitsu/fluency), an independent Java encoder of the Forward protocol, talks to the
 * test sink: the sink must accept its PackedForward frames, with and without ack, and Fluency must
 * accept the sink's acks. Fluency cannot read frames, so the other direction (the sidecar's frames
 * decoded by plain msgpack-core) is {@link ForwardOutputTest}.
 */
class FluencyInteropTest {
  private ForwardSink sink;

  @BeforeEach
  void start() throws Exception {
    sink = ForwardSink.start();
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
  }

  @ParameterizedTest(name = "ack response mode {0}")
  @ValueSource(booleans = {true, false})
  void theSinkAcceptsWhatFluencySends(boolean ack) throws Exception {
    FluencyBuilderForFluentd builder = new FluencyBuilderForFluentd();
    builder.setAckResponseMode(ack);
    builder.setFlushAttemptIntervalMillis(100);
    builder.setSenderMaxRetryCount(3);
    Fluency fluency = builder.build(sink.host(), sink.port());
    try {
      for (int i = 0; i < 500; i++) {
        fluency.emit(
            "fluency.test",
            EventTime.fromEpoch(1_700_000_000L + i, 123_456_789L),
            Map.of("id", "ev-" + i, "message", "event " + i, "n", i));
      }
      for (int i = 500; i < 1000; i++) {
        fluency.emit("fluency.test", 1_700_000_000L, Map.of("id", "ev-" + i));
      }
      fluency.flush();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("events arrived; sink errors: " + sink.errors())
          .until(() -> sink.eventCount() >= 1000);
    } finally {
      fluency.close();
      fluency.waitUntilFlusherTerminated(10);
    }

    assertThat(sink.errors()).isEmpty();
    assertThat(sink.countsBy("id")).hasSize(1000);
    assertThat(sink.duplicates("id")).isZero();
    assertThat(sink.frames(ForwardSink.Mode.PACKED_FORWARD)).isPositive();
    // Fluency puts the entries' byte length in "size" (the spec says the event count); Fluentd
    // does not check it, nor does the sink.
    assertThat(sink.sizeMismatches()).isPositive();
    ForwardSink.Event first =
        sink.events().stream()
            .filter(e -> "ev-0".equals(e.record().get("id")))
            .findFirst()
            .orElseThrow();
    assertThat(first.eventTime()).isTrue();
    assertThat(first.time().getNano()).isEqualTo(123_456_789);
    assertThat(first.record()).containsEntry("n", 0L).containsEntry("message", "event 0");
    if (ack) {
      assertThat(sink.acksSent()).isPositive();
      assertThat(sink.events()).allSatisfy(e -> assertThat(e.chunk()).isNotNull());
    } else {
      assertThat(sink.acksSent()).isZero();
    }
  }
}
