package io.outrigger.sidecar.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Packs {@link LogRecord}s into {@link PackedRecord}s, reusing one buffer: one instance per thread
 * (the tailer has its own).
 */
public final class RecordPacker {
  /** The spec's EventTime extension type (Fluentd Forward protocol v1). */
  public static final byte EVENT_TIME_TYPE = 0;

  static final String BODY = "message";
  static final String SEVERITY = "level";
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";

  /** Record keys every event has room for; attributes with these names go after the event. */
  public static final List<String> RESERVED_KEYS = List.of(BODY, SEVERITY, TRACE_ID, SPAN_ID);

  /**
   * Attribute keys repeat in every record (the enrichment's, the app's field names), so their UTF-8
   * bytes are kept; bounded so a stream of ever-new keys cannot grow it.
   */
  private static final int MAX_CACHED_KEYS = 4096;

  private static final ConcurrentHashMap<String, byte[]> KEYS = new ConcurrentHashMap<>();

  private final MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
  private final byte[] time = new byte[8];

  /** Packs each record of a batch (for callers that hold records, such as tests). */
  public static List<PackedRecord> packAll(List<LogRecord> records) {
    RecordPacker packer = new RecordPacker();
    List<PackedRecord> packed = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      packed.add(packer.pack(record));
    }
    return packed;
  }

  public PackedRecord pack(LogRecord record) {
    try {
      packer.clear();
      // The count of written bytes survives clear(); only differences are this record's.
      long start = packer.getTotalWrittenBytes();
      packer.packArrayHeader(2);
      packEventTime(record.timestamp());
      packFields(record);
      int entryLength = (int) (packer.getTotalWrittenBytes() - start);
      packer.packLong(record.timestamp().getEpochSecond());
      packShadowedAttributes(record);
      return new PackedRecord(packer.toByteArray(), entryLength);
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }

  /** EventTime: seconds and nanoseconds, each a big-endian uint32. */
  private void packEventTime(Instant timestamp) throws IOException {
    long seconds = timestamp.getEpochSecond();
    int nanos = timestamp.getNano();
    for (int i = 0; i < 4; i++) {
      time[i] = (byte) (seconds >>> (24 - 8 * i));
      time[4 + i] = (byte) (nanos >>> (24 - 8 * i));
    }
    packer.packExtensionTypeHeader(EVENT_TIME_TYPE, 8);
    packer.writePayload(time);
  }

  /** message, level, trace_id, span_id (those present), then the attributes. */
  private void packFields(LogRecord record) throws IOException {
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
    packField(BODY, record.body());
    packField(SEVERITY, record.severity());
    packField(TRACE_ID, record.traceId());
    packField(SPAN_ID, record.spanId());
    for (Map.Entry<String, Object> attribute : record.attributes().entrySet()) {
      if (!RESERVED_KEYS.contains(attribute.getKey())) {
        packKey(attribute.getKey());
        packValue(attribute.getValue());
      }
    }
  }

  private void packShadowedAttributes(LogRecord record) throws IOException {
    int size = 0;
    for (String key : RESERVED_KEYS) {
      if (record.attributes().containsKey(key)) {
        size++;
      }
    }
    packer.packMapHeader(size);
    for (String key : RESERVED_KEYS) {
      Object value = record.attributes().get(key);
      if (value != null) {
        packKey(key);
        packValue(value);
      }
    }
  }

  private void packField(String key, String value) throws IOException {
    if (value != null) {
      packKey(key);
      packer.packString(value);
    }
  }

  private void packKey(String key) throws IOException {
    byte[] bytes = KEYS.get(key);
    if (bytes == null) {
      bytes = key.getBytes(StandardCharsets.UTF_8);
      if (KEYS.size() < MAX_CACHED_KEYS) {
        KEYS.put(key, bytes);
      }
    }
    packer.packRawStringHeader(bytes.length);
    packer.writePayload(bytes);
  }

  private void packValue(Object value) throws IOException {
    if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof Long || value instanceof Integer) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      packer.packDouble(((Number) value).doubleValue());
    } else {
      packer.packString(String.valueOf(value));
    }
  }
}
