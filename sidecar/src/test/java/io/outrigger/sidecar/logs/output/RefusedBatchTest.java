package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig.HttpOutputConfig;
import io.outrigger.config.SidecarConfig.OtlpLogsConfig;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.sink.JsonLinesSink;
import io.outrigger.sidecar.logs.sink.OtlpLogsSink;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver refusing a batch does not stop delivery: a batch too large (413) is split until the
 * parts fit, a batch refused as bad (400) is split down to the record, and the record refused on
 * its own is counted, logged and set aside in {@code <output>.ndjson}; a transient failure (503) is
 * retried as it is. Against real HTTP receivers that decode the format.
 */
class RefusedBatchTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path rejectedDir;

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() throws Exception {
    await(vertx.close(), WAIT);
  }

  private LogOutput retrying(LogOutput output) {
    return new RetryingOutput(
        output,
        vertx,
        new ExponentialBackoff(Duration.ofMillis(10), Duration.ofMillis(50)),
        registry,
        new RejectedRecords(vertx, rejectedDir, registry));
  }

  private LogOutput http(JsonLinesSink sink) {
    return retrying(
        new HttpJsonLinesOutput(
            vertx, new HttpOutputConfig(sink.url() + JsonLinesSink.PATH, Map.of(), WAIT)));
  }

  private double counter(String name) {
    var c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  private List<JsonNode> setAside(String output) throws Exception {
    Path file = rejectedDir.resolve(output + ".ndjson");
    List<JsonNode> entries = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        entries.add(JSON.readTree(line));
      }
    }
    return entries;
  }

  /** Record {@code index} of {@code records} marked as one the receiver refuses. */
  private static List<LogRecord> withBad(List<LogRecord> records, int... indexes) {
    List<LogRecord> marked = new ArrayList<>(records);
    for (int i : indexes) {
      LogRecord r = marked.get(i);
      Map<String, Object> attributes = new HashMap<>(r.attributes());
      attributes.put("bad", true);
      marked.set(
          i,
          new LogRecord(
              r.timestamp(), r.severity(), r.body(), attributes, r.traceId(), r.spanId()));
    }
    return marked;
  }

  @Test
  void aBatchTooLargeForTheReceiverIsSplitUntilThePartsFit() throws Exception {
    try (JsonLinesSink sink = new JsonLinesSink()) {
      sink.maxBodyBytes(4 * 1024); // about 12 records
      await(http(sink).send(numbered(0, 100)), WAIT);
      assertThat(sink.countsBy("id")).hasSize(100);
      assertThat(sink.duplicates("id")).isZero();
      assertThat(sink.tooLarge()).as("413 answers").isPositive();
      assertThat(counter("outrigger.log.output.split")).isPositive();
      assertThat(setAside("http")).isEmpty();
    }
  }

  @Test
  void aBadRecordIsFoundBySplittingAndSetAsideAndTheRestIsDelivered() throws Exception {
    try (JsonLinesSink sink = new JsonLinesSink().refuseRecordsWith("bad")) {
      List<LogRecord> batch = withBad(numbered(0, 100), 17, 62);
      await(http(sink).send(batch), WAIT);
      assertThat(sink.countsBy("id")).hasSize(98).doesNotContainKeys("id-17", "id-62");
      assertThat(sink.duplicates("id")).isZero();
      List<JsonNode> rejected = setAside("http");
      assertThat(rejected)
          .extracting(e -> e.at("/record/id").asText())
          .containsExactly("id-17", "id-62");
      assertThat(rejected.get(0).get("status").asInt()).isEqualTo(400);
      assertThat(rejected.get(0).get("reason").asText()).isEqualTo("bad");
      assertThat(rejected.get(0).get("answer").asText()).contains("refused");
      assertThat(rejected.get(0).at("/record/message").asText()).isEqualTo("line 17");
      assertThat(
              registry
                  .find("outrigger.log.output.rejected")
                  .tag("output", "http")
                  .counter()
                  .count())
          .isEqualTo(2);
    }
  }

  @Test
  void aSingleRecordTooLargeForTheReceiverIsSetAsideWith413() throws Exception {
    try (JsonLinesSink sink = new JsonLinesSink()) {
      sink.maxBodyBytes(100); // smaller than any record
      await(http(sink).send(numbered(0, 3)), WAIT);
      assertThat(sink.records()).isEmpty();
      assertThat(setAside("http"))
          .extracting(e -> e.get("status").asInt() + " " + e.get("reason").asText())
          .containsExactly("413 too-large", "413 too-large", "413 too-large");
    }
  }

  @Test
  void aTransientFailureIsRetriedWholeNotSplit() throws Exception {
    try (JsonLinesSink sink = new JsonLinesSink()) {
      sink.failNext(3, 503);
      await(http(sink).send(numbered(0, 50)), WAIT);
      assertThat(sink.countsBy("id")).hasSize(50);
      assertThat(sink.requests()).isEqualTo(4);
      assertThat(counter("outrigger.log.output.split")).isZero();
      assertThat(setAside("http")).isEmpty();
    }
  }

  @Test
  void theOtlpOutputSplitsABatchTheCollectorRefusesAsTooLarge() throws Exception {
    try (OtlpLogsSink sink = new OtlpLogsSink()) {
      sink.maxBodyBytes(2 * 1024);
      LogOutput otlp =
          retrying(new OtlpLogsOutput(new OtlpLogsConfig(sink.url()), Resource.getDefault()));
      await(otlp.send(numbered(0, 60)), WAIT);
      assertThat(sink.countsBy("id")).hasSize(60);
      assertThat(sink.tooLarge()).isPositive();
      assertThat(setAside("otlp")).isEmpty();
    }
  }
}
