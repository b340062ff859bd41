package io.outrigger.sidecar.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.config.LogFormat;
import io.outrigger.config.RecordLayout;
import io.outrigger.config.SidecarConfig.ParserConfig;
import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.logs.output.LogRecordJson;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;

/**
 * Issue 22 item 6: records laid out as Fluent Bit's tail input and Kubernetes filter make them, so
 * a pipeline built for Fluent Bit (a Fluentd match on {@code $.kubernetes.namespace_name}, a Loki
 * query on {@code log}) takes them unchanged. The Forward event is read with msgpack-core, as a
 * Fluentd receiver would, not with our own unpacker.
 */
class FluentBitLayoutTest {
  private static final Instant READ = Instant.parse("2026-12-03T16:00:00.250Z");
  private static final PodIdentity POD =
      new PodIdentity(
          "checkout-7d4b9-x2x7q",
          "shop",
          "node-a",
          "8b7c1f3e-0000-4000-8000-000000000001",
          "checkout",
          Map.of("app", "checkout", "pod-template-hash", "7d4b9", "tier", "web"));

  private static LineProcessor processor(LogFormat format, RecordLayout layout) {
    return new LineProcessor(
        LineParser.from(new ParserConfig(format, null, "ts", "ISO8601", null)),
        new TraceContextExtractor(TraceCorrelationConfig.defaults()),
        LogEnrichment.of(POD, "app", List.of("app", "tier", "missing"), layout));
  }

  @Test
  void aJsonLineKeepsTheLineAsReadInLogTheParsedFieldsBesideAndThePodUnderKubernetes()
      throws Exception {
    String line =
        "{\"ts\":\"2026-12-03T15:59:59Z\",\"level\":\"warn\",\"msg\":\"slow\",\"ms\":812,"
            + "\"kubernetes\":\"spoofed\"}";
    PackedRecord packed =
        processor(LogFormat.JSON, RecordLayout.FLUENT_BIT)
            .process(line, "/var/log/app/app.log", READ, new RecordPacker())
            .record();

    Map<String, Value> event = forwardEvent(packed);
    assertThat(event.get("log").asStringValue().asString()).isEqualTo(line);
    assertThat(event.get("message").asStringValue().asString()).isEqualTo("slow");
    assertThat(event.get("level").asStringValue().asString()).isEqualTo("warn");
    assertThat(event.get("ms").asIntegerValue().toLong()).isEqualTo(812);
    assertThat(event).doesNotContainKeys("k8s.pod.name", "k8s.namespace.name");
    Map<Value, Value> kubernetes = event.get("kubernetes").asMapValue().map();
    assertThat(strings(kubernetes))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pod_name", "checkout-7d4b9-x2x7q",
                "namespace_name", "shop",
                "pod_id", "8b7c1f3e-0000-4000-8000-000000000001",
                "host", "node-a",
                "container_name", "app"));
    Map<Value, Value> labels =
        kubernetes.get(org.msgpack.value.ValueFactory.newString("labels")).asMapValue().map();
    assertThat(strings(labels)).isEqualTo(Map.of("app", "checkout", "tier", "web"));

    LogRecord record = packed.unpack();
    assertThat(record.timestamp()).as("the line's own time").isEqualTo("2026-12-03T15:59:59Z");
    assertThat(record.observed()).as("when the line was read").isEqualTo(READ);
  }

  @Test
  void aPlainLineIsInLogOnlyNotRepeatedAsTheMessage() throws Exception {
    PackedRecord packed =
        processor(LogFormat.PLAIN, RecordLayout.FLUENT_BIT)
            .process("GET /cart 200", "/var/log/app/app.log", READ, new RecordPacker())
            .record();

    Map<String, Value> event = forwardEvent(packed);
    assertThat(event.get("log").asStringValue().asString()).isEqualTo("GET /cart 200");
    assertThat(event).doesNotContainKey("message");

    JsonNode json = new ObjectMapper().readTree(LogRecordJson.of(packed.unpack()));
    assertThat(json.path("log").asText()).isEqualTo("GET /cart 200");
    assertThat(json.at("/kubernetes/namespace_name").asText()).isEqualTo("shop");
    assertThat(json.at("/kubernetes/labels/app").asText()).isEqualTo("checkout");
  }

  @Test
  void theDefaultLayoutIsFlatWithOpenTelemetryNames() throws Exception {
    PackedRecord packed =
        processor(LogFormat.PLAIN, RecordLayout.OTEL)
            .process("GET /cart 200", "/var/log/app/app.log", READ, new RecordPacker())
            .record();

    Map<String, Value> event = forwardEvent(packed);
    assertThat(event.get("message").asStringValue().asString()).isEqualTo("GET /cart 200");
    assertThat(event.get("k8s.namespace.name").asStringValue().asString()).isEqualTo("shop");
    assertThat(event.get("k8s.pod.label.tier").asStringValue().asString()).isEqualTo("web");
    assertThat(event).doesNotContainKeys("log", "kubernetes");
    assertThat(packed.unpack().observed()).isEqualTo(READ);
  }

  /** The record of the Forward event {@code [time, record]} the packed bytes begin with. */
  private static Map<String, Value> forwardEvent(PackedRecord packed) throws Exception {
    byte[] entry = Arrays.copyOf(packed.bytes(), packed.entryLength());
    try (MessageUnpacker in = MessagePack.newDefaultUnpacker(entry)) {
      Value value = in.unpackValue();
      assertThat(in.hasNext()).as("the event is exactly the first entryLength bytes").isFalse();
      List<Value> pair = value.asArrayValue().list();
      assertThat(pair).hasSize(2);
      assertThat(pair.get(0).isExtensionValue()).as("EventTime").isTrue();
      MapValue record = pair.get(1).asMapValue();
      Map<String, Value> byName = new java.util.LinkedHashMap<>();
      record.map().forEach((k, v) -> byName.put(k.asStringValue().asString(), v));
      assertThat(byName).as("no key twice").hasSize(record.size());
      return byName;
    }
  }

  private static Map<String, String> strings(Map<Value, Value> map) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (v.isStringValue()) {
            out.put(k.asStringValue().asString(), v.asStringValue().asString());
          }
        });
    return out;
  }
}
