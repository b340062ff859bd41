package io.outrigger.sidecar.logs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgpack.value.ValueFactory.newArray;
import static org.msgpack.value.ValueFactory.newBinary;
import static org.msgpack.value.ValueFactory.newExtension;
import static org.msgpack.value.ValueFactory.newInteger;
import static org.msgpack.value.ValueFactory.newMap;
import static org.msgpack.value.ValueFactory.newString;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;

/** The Forward sink accepts the spec's four entry modes and refuses what breaks the spec. */
class ForwardSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private ForwardSink sink;

  @BeforeEach
  void start() throws Exception {
    sink = ForwardSink.start();
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
  }

  static Value eventTime(long seconds, long nanos) {
    return newExtension(
        (byte) 0, ByteBuffer.allocate(8).putInt((int) seconds).putInt((int) nanos).array());
  }

  static Value record(String id) {
    return newMap(newString("id"), newString(id), newString("message"), newString("hi"));
  }

  static Value entry(Value time, Value record) {
    return newArray(time, record);
  }

  static byte[] stream(Value... entries) throws Exception {
    try (var packer = MessagePack.newDefaultBufferPacker()) {
      for (Value entry : entries) {
        packer.packValue(entry);
      }
      return packer.toByteArray();
    }
  }

  static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  private String ackOf(byte[] answer) throws Exception {
    try (var unpacker = MessagePack.newDefaultUnpacker(answer)) {
      Value value = unpacker.unpackValue();
      return value.asMapValue().map().get(newString("ack")).asStringValue().asString();
    }
  }

  @Test
  void messageModeWithAChunkIsStoredAndAcked() throws Exception {
    Value frame =
        newArray(
            newString("t"),
            eventTime(1_700_000_000L, 5),
            record("a"),
            newMap(newString("chunk"), newString("c1")));
    byte[] answer = sink.exchangeRaw(ForwardSink.pack(frame), WAIT);
    assertThat(ackOf(answer)).isEqualTo("c1");
    assertThat(sink.frames(ForwardSink.Mode.MESSAGE)).isEqualTo(1);
    assertThat(sink.events().get(0).time()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 5));
    assertThat(sink.events().get(0).record()).containsEntry("id", "a");
  }

  @Test
  void forwardModeTakesIntegerAndEventTimes() throws Exception {
    Value frame =
        newArray(
            newString("t"),
            newArray(
                entry(newInteger(1_700_000_000L), record("a")),
                entry(eventTime(1_700_000_001L, 999_999_999), record("b"))),
            newMap(newString("size"), newInteger(2), newString("chunk"), newString("c2")));
    assertThat(ackOf(sink.exchangeRaw(ForwardSink.pack(frame), WAIT))).isEqualTo("c2");
    assertThat(sink.frames(ForwardSink.Mode.FORWARD)).isEqualTo(1);
    assertThat(sink.sizeMismatches()).isZero();
    assertThat(sink.events()).extracting(ForwardSink.Event::eventTime).containsExactly(false, true);
  }

  @Test
  void compressedPackedForwardIsGunzipped() throws Exception {
    byte[] entries =
        stream(entry(eventTime(1, 0), record("a")), entry(eventTime(2, 0), record("b")));
    Value frame =
        newArray(
            newString("t"),
            newBinary(gzip(entries)),
            newMap(
                newString("size"), newInteger(2),
                newString("compressed"), newString("gzip"),
                newString("chunk"), newString("c3")));
    assertThat(ackOf(sink.exchangeRaw(ForwardSink.pack(frame), WAIT))).isEqualTo("c3");
    assertThat(sink.frames(ForwardSink.Mode.COMPRESSED_PACKED_FORWARD)).isEqualTo(1);
    assertThat(sink.countsBy("id")).containsKeys("a", "b");
  }

  @Test
  void noChunkNoAck() throws Exception {
    byte[] entries = stream(entry(eventTime(1, 0), record("a")));
    Value frame = newArray(newString("t"), newBinary(entries));
    assertThat(sink.exchangeRaw(ForwardSink.pack(frame), WAIT)).isEmpty();
    assertThat(sink.frames(ForwardSink.Mode.PACKED_FORWARD)).isEqualTo(1);
    assertThat(sink.acksSent()).isZero();
  }

  static Stream<Arguments> malformed() throws Exception {
    Value ok = record("x");
    return Stream.of(
        Arguments.of("not msgpack", new byte[] {(byte) 0xc1}, "not msgpack"),
        Arguments.of(
            "frame is a map", ForwardSink.pack(newMap(newString("a"), ok)), "must be an array"),
        Arguments.of(
            "tag is a number",
            ForwardSink.pack(newArray(newInteger(1), newInteger(1), ok)),
            "tag must be a string"),
        Arguments.of(
            "EventTime of the wrong ext type",
            ForwardSink.pack(newArray(newString("t"), newExtension((byte) 5, new byte[8]), ok)),
            "ext type 0"),
        Arguments.of(
            "EventTime of 4 bytes",
            ForwardSink.pack(newArray(newString("t"), newExtension((byte) 0, new byte[4]), ok)),
            "8 bytes"),
        Arguments.of(
            "EventTime nanoseconds of 10^9",
            ForwardSink.pack(newArray(newString("t"), eventTime(1, 1_000_000_000L), ok)),
            "below 10^9"),
        Arguments.of(
            "record is a string",
            ForwardSink.pack(newArray(newString("t"), newInteger(1), newString("x"))),
            "record must be a map"),
        Arguments.of(
            "size option is a string",
            ForwardSink.pack(
                newArray(
                    newString("t"),
                    newBinary(stream(entry(eventTime(1, 0), ok))),
                    newMap(newString("size"), newString("3")))),
            "size option must be an integer"),
        Arguments.of(
            "packed entries are garbage",
            ForwardSink.pack(newArray(newString("t"), newBinary(new byte[] {(byte) 0xc1}))),
            "not a msgpack stream"),
        Arguments.of(
            "packed entry is not a pair",
            ForwardSink.pack(newArray(newString("t"), newBinary(stream(newArray(ok))))),
            "[time, record]"),
        Arguments.of(
            "unknown compression",
            ForwardSink.pack(
                newArray(
                    newString("t"),
                    newBinary(new byte[0]),
                    newMap(newString("compressed"), newString("zstd")))),
            "unsupported compression"),
        Arguments.of(
            "option is a list",
            ForwardSink.pack(newArray(newString("t"), newInteger(1), ok, newArray())),
            "option must be a map"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aFrameThatBreaksTheSpecIsRefusedWithTheReason(String name, byte[] frame, String reason)
      throws Exception {
    assertThat(sink.exchangeRaw(frame, WAIT)).as("no ack, connection closed").isEmpty();
    assertThat(sink.errors()).singleElement().asString().contains(reason);
    assertThat(sink.eventCount()).isZero();
  }
}
