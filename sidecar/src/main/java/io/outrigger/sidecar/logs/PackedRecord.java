package io.outrigger.sidecar.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * A {@link LogRecord} as the buffer holds it while it waits for the outputs: one byte array, packed
 * once by a {@link RecordPacker} on the tailer thread.
 *
 * <p>Why bytes: a record as objects is some thirty small objects, and the thousands waiting in the
 * buffer and in the batches in flight outlive young collections, so the pod's small heap spent more
 * time collecting them than the pipeline spent working (docs/benchmarks.md, Logs). One array per
 * record is cheap to promote and to collect.
 *
 * <p>The first {@code entryLength} bytes are the record as a Fluentd event, {@code [EventTime,
 * {message, level, trace_id, span_id, attributes...}]} in msgpack, so the Forward output sends them
 * as they are. What that form leaves out follows, so that {@link #unpack} gives back the same
 * record for the other outputs: the exact epoch second (EventTime keeps 32 bits), the attributes
 * named like the four record keys (a map, usually empty) and when the line was read (epoch nanos).
 *
 * @param bytes the event, then the rest
 * @param entryLength how many of the bytes are the event
 */
public record PackedRecord(byte[] bytes, int entryLength) {

  /** The records of a batch, for outputs that encode records their own way. */
  public static List<LogRecord> unpackAll(List<PackedRecord> batch) {
    List<LogRecord> records = new ArrayList<>(batch.size());
    for (PackedRecord packed : batch) {
      records.add(packed.unpack());
    }
    return records;
  }

  /** The record as it was packed. */
  public LogRecord unpack() {
    try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes)) {
      in.unpackArrayHeader();
      in.unpackExtensionTypeHeader();
      in.readPayload(4); // the 32-bit seconds; the exact ones follow the event
      byte[] nanos = in.readPayload(4);
      String body = null;
      String severity = null;
      String traceId = null;
      String spanId = null;
      int fields = in.unpackMapHeader();
      Map<String, Object> attributes = new HashMap<>(fields * 2);
      for (int i = 0; i < fields; i++) {
        String key = in.unpackString();
        switch (key) {
          case RecordPacker.BODY -> body = in.unpackString();
          case RecordPacker.SEVERITY -> severity = in.unpackString();
          case RecordPacker.TRACE_ID -> traceId = in.unpackString();
          case RecordPacker.SPAN_ID -> spanId = in.unpackString();
          default -> attributes.put(key, value(in));
        }
      }
      long seconds = in.unpackLong();
      int shadowed = in.unpackMapHeader();
      for (int i = 0; i < shadowed; i++) {
        attributes.put(in.unpackString(), value(in));
      }
      long observed = in.unpackLong();
      return new LogRecord(
          Instant.ofEpochSecond(seconds, bigEndianInt(nanos)),
          severity,
          body,
          attributes,
          traceId,
          spanId,
          Instant.ofEpochSecond(0, observed));
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking from memory does not fail", e);
    }
  }

  /**
   * An attribute value as {@link LogRecord} documents them: String, Long, Double or Boolean, or a
   * map of such values.
   */
  private static Object value(MessageUnpacker in) throws IOException {
    MessageFormat format = in.getNextFormat();
    return switch (format.getValueType()) {
      case BOOLEAN -> in.unpackBoolean();
      case INTEGER -> in.unpackLong();
      case FLOAT -> in.unpackDouble();
      case MAP -> map(in);
      default -> in.unpackString();
    };
  }

  private static Map<String, Object> map(MessageUnpacker in) throws IOException {
    int size = in.unpackMapHeader();
    Map<String, Object> map = new LinkedHashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      map.put(in.unpackString(), value(in));
    }
    return map;
  }

  private static int bigEndianInt(byte[] b) {
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }
}
