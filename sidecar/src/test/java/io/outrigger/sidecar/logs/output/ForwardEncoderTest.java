package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.RecordPacker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.ExtensionValue;
import org.msgpack.value.Value;

/** Frames decoded back with plain msgpack-core, small and large, with a 10 MB record. */
class ForwardEncoderTest {

  @ParameterizedTest(name = "{0} records")
  @ValueSource(ints = {0, 1, 100, 5_000})
  void aFrameIsTagBinaryOfExactlyTheEntriesAndOptions(int count) throws Exception {
    List<LogRecord> batch = TestRecords.numbered(0, count);
    byte[] frame = ForwardEncoder.packedForward("t", RecordPacker.packAll(batch), "c").getBytes();

    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(frame)) {
      ArrayValue parts = unpacker.unpackValue().asArrayValue();
      assertThat(unpacker.hasNext()).as("one frame, nothing after it").isFalse();
      assertThat(parts.size()).isEqualTo(3);
      assertThat(parts.get(0).asStringValue().asString()).isEqualTo("t");
      byte[] entries = parts.get(1).asBinaryValue().asByteArray();
      int seen = 0;
      try (MessageUnpacker stream = MessagePack.newDefaultUnpacker(entries)) {
        while (stream.hasNext()) {
          ArrayValue entry = stream.unpackValue().asArrayValue();
          ExtensionValue time = entry.get(0).asExtensionValue();
          assertThat(time.getType()).isEqualTo((byte) 0);
          Instant expected = batch.get(seen).timestamp();
          assertThat(java.nio.ByteBuffer.wrap(time.getData()).getInt())
              .isEqualTo((int) expected.getEpochSecond());
          assertThat(java.nio.ByteBuffer.wrap(time.getData()).getInt(4))
              .isEqualTo(expected.getNano());
          assertThat(
                  entry
                      .get(1)
                      .asMapValue()
                      .map()
                      .get(org.msgpack.value.ValueFactory.newString("id")))
              .hasToString("id-" + seen);
          seen++;
        }
      }
      assertThat(seen).isEqualTo(count);
      Map<Value, Value> options = parts.get(2).asMapValue().map();
      assertThat(
              options
                  .get(org.msgpack.value.ValueFactory.newString("size"))
                  .asIntegerValue()
                  .asInt())
          .isEqualTo(count);
      assertThat(options.get(org.msgpack.value.ValueFactory.newString("chunk")).toString())
          .isEqualTo("c");
    }
  }

  @org.junit.jupiter.api.Test
  void aTenMegabyteRecordSurvives() throws Exception {
    String body = "x".repeat(10 * 1024 * 1024);
    LogRecord big = new LogRecord(TestRecords.TIME, "INFO", body, Map.of(), null, null);
    byte[] frame =
        ForwardEncoder.packedForward("t", RecordPacker.packAll(List.of(big)), null).getBytes();
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(frame)) {
      ArrayValue parts = unpacker.unpackValue().asArrayValue();
      try (MessageUnpacker stream =
          MessagePack.newDefaultUnpacker(parts.get(1).asBinaryValue().asByteArray())) {
        ArrayValue entry = stream.unpackValue().asArrayValue();
        assertThat(
                entry
                    .get(1)
                    .asMapValue()
                    .map()
                    .get(org.msgpack.value.ValueFactory.newString("message"))
                    .asStringValue()
                    .asString())
            .isEqualTo(body);
      }
      assertThat(parts.get(2).asMapValue().size()).as("no chunk without ack").isEqualTo(1);
    }
  }
}
