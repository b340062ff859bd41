package io.outrigger.sidecar.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/** Records packed for the buffer come back unchanged, and start with their Fluentd event. */
class PackedRecordTest {
  private static final Instant TIME = Instant.parse("2026-11-26T10:15:30.123456789Z");

  static Stream<Arguments> records() {
    return Stream.of(
        Arguments.of(
            "every field and value type",
            new LogRecord(
                TIME,
                "WARN",
                "GET /items answered 200",
                Map.of("k8s.pod.name", "app-0", "latency_ms", 12L, "ratio", 0.25, "cached", true),
                "4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7")),
        Arguments.of(
            "no level, trace or attributes",
            new LogRecord(TIME, null, "plain line", Map.of(), null, null)),
        Arguments.of("no body", new LogRecord(TIME, "INFO", null, Map.of("a", "b"), null, null)),
        Arguments.of(
            "attributes named like the record keys",
            new LogRecord(
                TIME,
                "INFO",
                "from msg",
                Map.of("message", "the other one", "level", 3L, "trace_id", "x", "span_id", "y"),
                null,
                null)),
        Arguments.of(
            "a time before 1970",
            new LogRecord(Instant.parse("1969-07-20T20:17:40Z"), null, "x", Map.of(), null, null)),
        Arguments.of(
            "a time after 2106",
            new LogRecord(
                Instant.parse("2200-01-01T00:00:00.5Z"), null, "x", Map.of(), null, null)),
        Arguments.of(
            "non-ASCII text",
            new LogRecord(TIME, "INFO", "größer als 🦀", Map.of("ключ", "значение"), null, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  void unpacksToTheSameRecord(String name, LogRecord record) {
    PackedRecord packed = new RecordPacker().pack(record);

    assertThat(packed.unpack()).isEqualTo(record);
  }

  @Test
  void everyLengthFormOfStringsAndIntegersRoundTrips() {
    Map<String, Object> attributes = new java.util.HashMap<>();
    long[] numbers = {
      0,
      127,
      128,
      -1,
      -32,
      -33,
      255,
      65_535,
      65_536,
      4_294_967_295L,
      4_294_967_296L,
      Long.MIN_VALUE,
      Long.MAX_VALUE
    };
    for (long n : numbers) {
      attributes.put("n" + n, n);
    }
    for (int length : new int[] {0, 31, 32, 255, 256, 65_535, 65_536}) {
      attributes.put("s" + length, "a".repeat(length));
      attributes.put("u" + length, "é".repeat(length));
    }
    attributes.put("nan", Double.NaN);
    attributes.put("negative", -0.5);
    LogRecord record = new LogRecord(TIME, "INFO", "many", attributes, null, null);

    assertThat(new RecordPacker().pack(record).unpack()).isEqualTo(record);
  }

  @Test
  void integerAttributesComeBackAsLong() {
    LogRecord record = new LogRecord(TIME, null, "x", Map.of("n", 7), null, null);

    assertThat(new RecordPacker().pack(record).unpack().attributes()).containsEntry("n", 7L);
  }

  @Test
  void theEventLeavesOutAttributesNamedLikeItsKeys() throws Exception {
    LogRecord record =
        new LogRecord(
            TIME, "INFO", "body", Map.of("message", "shadowed", "user", "u1"), null, null);
    PackedRecord packed = new RecordPacker().pack(record);

    byte[] event = Arrays.copyOf(packed.bytes(), packed.entryLength());
    try (MessageUnpacker in = MessagePack.newDefaultUnpacker(event)) {
      ArrayValue entry = in.unpackValue().asArrayValue();
      assertThat(in.hasNext()).as("the event is exactly entryLength bytes").isFalse();
      Map<Value, Value> fields = entry.get(1).asMapValue().map();
      assertThat(fields)
          .containsOnlyKeys(
              ValueFactory.newString("message"),
              ValueFactory.newString("level"),
              ValueFactory.newString("user"));
      assertThat(fields.get(ValueFactory.newString("message")).asStringValue().asString())
          .isEqualTo("body");
    }
  }

  @Test
  void onePackerPacksManyRecords() {
    RecordPacker packer = new RecordPacker();
    for (int i = 0; i < 1000; i++) {
      LogRecord record = new LogRecord(TIME, null, "line " + i, Map.of("i", (long) i), null, null);
      assertThat(packer.pack(record).unpack()).isEqualTo(record);
    }
  }
}
