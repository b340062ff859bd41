package io.outrigger.sidecar.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs records into {@link PackedRecord}s, reusing one buffer: one instance per thread (the tailer
 * has its own). Either a whole {@link LogRecord} ({@link #pack}), or piece by piece ({@link
 * #start}, {@link #attribute}, {@link #finish}) so the tailer never builds the record's map.
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

  /** Bounds the keys kept, so a stream of ever-new field names cannot grow the cache. */
  private static final int MAX_CACHED_KEYS = 4096;

  private final MsgpackWriter out = new MsgpackWriter();

  /** Keys repeat in every record (the enrichment's, the app's field names): their UTF-8 bytes. */
  private final Map<String, byte[]> keys = new HashMap<>();

  private final List<String> shadowedKeys = new ArrayList<>(4);
  private final List<Object> shadowedValues = new ArrayList<>(4);
  private long seconds;
  private Instant observed;
  private int fieldsHeader;
  private int fields;

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
    start(
        record.timestamp(),
        record.observed(),
        record.severity(),
        record.body(),
        record.traceId(),
        record.spanId());
    record.attributes().forEach(this::attribute);
    return finish();
  }

  /**
   * Begins a record; its attributes follow, then {@link #finish}. Nulls are left out.
   *
   * @param observed when the line was read
   */
  public void start(
      Instant timestamp,
      Instant observed,
      String severity,
      String body,
      String traceId,
      String spanId) {
    out.reset();
    this.observed = observed;
    shadowedKeys.clear();
    shadowedValues.clear();
    seconds = timestamp.getEpochSecond();
    out.arrayHeader(2);
    out.ext8(EVENT_TIME_TYPE, seconds, timestamp.getNano());
    fieldsHeader = out.mapHeaderToPatch();
    fields = 0;
    field(BODY, body);
    field(SEVERITY, severity);
    field(TRACE_ID, traceId);
    field(SPAN_ID, spanId);
  }

  /**
   * One attribute; values are String, Long, Double or Boolean, or a map of such values (anything
   * else is written as its string). The caller gives each name once.
   */
  public void attribute(String name, Object value) {
    if (RESERVED_KEYS.contains(name)) {
      shadowedKeys.add(name);
      shadowedValues.add(value);
      return;
    }
    key(name);
    value(value);
    fields++;
  }

  public PackedRecord finish() {
    out.patchMapHeader(fieldsHeader, fields);
    int entryLength = out.length();
    out.int64(seconds);
    out.mapHeader(shadowedKeys.size());
    for (int i = 0; i < shadowedKeys.size(); i++) {
      key(shadowedKeys.get(i));
      value(shadowedValues.get(i));
    }
    out.int64(observed.getEpochSecond() * 1_000_000_000L + observed.getNano());
    return new PackedRecord(out.copy(), entryLength);
  }

  private void field(String key, String value) {
    if (value != null) {
      key(key);
      out.string(value);
      fields++;
    }
  }

  private void key(String key) {
    byte[] bytes = keys.get(key);
    if (bytes == null) {
      bytes = key.getBytes(StandardCharsets.UTF_8);
      if (keys.size() < MAX_CACHED_KEYS) {
        keys.put(key, bytes);
      }
    }
    out.raw(bytes);
  }

  private void value(Object value) {
    if (value instanceof String s) {
      out.string(s);
    } else if (value instanceof Boolean b) {
      out.bool(b);
    } else if (value instanceof Long || value instanceof Integer) {
      out.int64(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      out.float64(((Number) value).doubleValue());
    } else if (value instanceof Map<?, ?> map) {
      out.mapHeader(map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        key(String.valueOf(entry.getKey()));
        value(entry.getValue());
      }
    } else {
      out.string(String.valueOf(value));
    }
  }
}
