package io.outrigger.sidecar.logs.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.RecordPacker;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/**
 * A record as one flat JSON object, the shape the JSON outputs (HTTP JSON lines, stdout, Loki's
 * line) share with the Forward record: {@code time} (RFC 3339, nanoseconds), {@code message},
 * {@code level}, {@code trace_id}, {@code span_id} (those present), then the attributes (a map,
 * such as the Fluent Bit layout's {@code kubernetes}, as a nested object).
 */
public final class LogRecordJson {
  private static final JsonFactory JSON = new JsonFactory();

  private LogRecordJson() {}

  /** The whole record. */
  public static String of(LogRecord record) {
    return of(record, true, Set.of());
  }

  /** Without {@code time} when {@code withTime} is false, and without the {@code omitted} keys. */
  public static String of(LogRecord record, boolean withTime, Set<String> omitted) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (withTime) {
        json.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(record.timestamp()));
      }
      field(json, "message", record.body());
      field(json, "level", record.severity());
      field(json, "trace_id", record.traceId());
      field(json, "span_id", record.spanId());
      for (Map.Entry<String, Object> attribute : record.attributes().entrySet()) {
        String key = attribute.getKey();
        if (RecordPacker.RESERVED_KEYS.contains(key)
            || key.equals("time")
            || omitted.contains(key)) {
          continue;
        }
        json.writeFieldName(key);
        value(json, attribute.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON into memory does not fail", e);
    }
    return out.toString();
  }

  private static void value(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Long || value instanceof Integer) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d && Double.isFinite(d)) {
      json.writeNumber(d);
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        value(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      json.writeString(value.toString());
    }
  }

  private static void field(JsonGenerator json, String key, String value) throws IOException {
    if (value != null) {
      json.writeStringField(key, value);
    }
  }
}
