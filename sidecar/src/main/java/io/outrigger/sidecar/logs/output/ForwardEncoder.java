package io.outrigger.sidecar.logs.output;

import io.outrigger.sidecar.logs.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Encodes batches as Fluentd Forward protocol v1 {@code PackedForward} frames: {@code [tag,
 * entries, options]}, where entries is a msgpack binary holding the concatenated {@code [time,
 * record]} arrays, time is the spec's EventTime (ext type 0: seconds and nanoseconds, each a
 * big-endian uint32) and options carry {@code size} and, when an ack is wanted, {@code chunk}.
 */
public final class ForwardEncoder {
  /** The spec's EventTime extension type. */
  public static final byte EVENT_TIME_TYPE = 0;

  /** Record keys the outputs always write; attributes with these names are left out. */
  static final List<String> RESERVED_KEYS = List.of("message", "level", "trace_id", "span_id");

  private ForwardEncoder() {}

  /** One frame; {@code chunk} is null when no ack is asked for. */
  public static byte[] packedForward(String tag, List<LogRecord> batch, String chunk) {
    byte[] entries = entries(batch);
    try (MessageBufferPacker frame = MessagePack.newDefaultBufferPacker()) {
      frame.packArrayHeader(3);
      frame.packString(tag);
      frame.packBinaryHeader(entries.length);
      frame.writePayload(entries);
      frame.packMapHeader(chunk == null ? 1 : 2);
      frame.packString("size");
      frame.packInt(batch.size());
      if (chunk != null) {
        frame.packString("chunk");
        frame.packString(chunk);
      }
      return frame.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }

  /** The MessagePackEventStream: {@code [time, record]} arrays back to back. */
  static byte[] entries(List<LogRecord> batch) {
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      for (LogRecord record : batch) {
        packer.packArrayHeader(2);
        packEventTime(packer, record.timestamp());
        packRecord(packer, record);
      }
      return packer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }

  static void packEventTime(MessagePacker packer, Instant time) throws IOException {
    packer.packExtensionTypeHeader(EVENT_TIME_TYPE, 8);
    packer.writePayload(
        ByteBuffer.allocate(8).putInt((int) time.getEpochSecond()).putInt(time.getNano()).array());
  }

  /**
   * Attribute keys repeat in every record (the enrichment's, the app's field names), so their UTF-8
   * bytes are kept; bounded so a stream of ever-new keys cannot grow it.
   */
  private static final int MAX_CACHED_KEYS = 4096;

  private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void packKey(MessagePacker packer, String key) throws IOException {
    byte[] bytes = KEYS.get(key);
    if (bytes == null) {
      bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (KEYS.size() < MAX_CACHED_KEYS) {
        KEYS.put(key, bytes);
      }
    }
    packer.packRawStringHeader(bytes.length);
    packer.writePayload(bytes);
  }

  /** message, level, trace_id, span_id (those present), then the attributes. */
  static void packRecord(MessagePacker packer, LogRecord record) throws IOException {
    int size = record.body() == null ? 0 : 1;
    size += record.severity() == null ? 0 : 1;
    size += record.traceId() == null ? 0 : 1;
    size += record.spanId() == null ? 0 : 1;
    for (String key : record.attributes().keySet()) {
      if (!RESERVED_KEYS.contains(key)) {
        size++;
      }
    }
    packer.packMapHeader(size);
    packField(packer, "message", record.body());
    packField(packer, "level", record.severity());
    packField(packer, "trace_id", record.traceId());
    packField(packer, "span_id", record.spanId());
    for (Map.Entry<String, Object> attribute : record.attributes().entrySet()) {
      if (!RESERVED_KEYS.contains(attribute.getKey())) {
        packKey(packer, attribute.getKey());
        packValue(packer, attribute.getValue());
      }
    }
  }

  private static void packField(MessagePacker packer, String key, String value) throws IOException {
    if (value != null) {
      packKey(packer, key);
      packer.packString(value);
    }
  }

  private static void packValue(MessagePacker packer, Object value) throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof Long || value instanceof Integer) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      packer.packDouble(((Number) value).doubleValue());
    } else {
      packer.packString(value.toString());
    }
  }
}
