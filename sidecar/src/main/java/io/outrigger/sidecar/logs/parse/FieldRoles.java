package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.SidecarConfig.ParserConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parsed fields are the record's time, level and message, shared by the JSON, logfmt and
 * regex parsers.
 *
 * <p>Time comes only from the configured {@code timeField} (without one, the read time is used, as
 * the policy documents). Level and message fall back to the spellings common logging libraries use
 * (logback/logstash, zap, zerolog, slog, bunyan), so a JSON app needs no parser settings at all.
 */
final class FieldRoles {
  static final List<String> LEVEL_FIELDS = List.of("level", "severity", "lvl", "log.level");
  static final List<String> MESSAGE_FIELDS = List.of("message", "msg", "log");

  private final String timeField;
  private final TimestampParser timestamps;
  private final List<String> levelFields;

  private FieldRoles(String timeField, TimestampParser timestamps, List<String> levelFields) {
    this.timeField = timeField;
    this.timestamps = timestamps;
    this.levelFields = levelFields;
  }

  static FieldRoles from(ParserConfig config) {
    return new FieldRoles(
        config.timeField(),
        TimestampParser.of(config.timeFormat()),
        config.levelField() != null ? List.of(config.levelField()) : LEVEL_FIELDS);
  }

  /**
   * Splits {@code fields} (which it may modify) into time, level, message and the rest. A time that
   * does not parse stays a field, and the read time is used.
   */
  ParsedLine toParsedLine(Map<String, Object> fields, String line) {
    Instant time = null;
    if (timeField != null) {
      Object raw = fields.get(timeField);
      if (raw != null) {
        time = timestamps.parse(raw);
        if (time != null) {
          fields.remove(timeField);
        }
      }
    }
    String level = takeString(fields, levelFields);
    String message = takeString(fields, MESSAGE_FIELDS);
    return new ParsedLine(time, level, message != null ? message : line, fields, true);
  }

  private static String takeString(Map<String, Object> fields, List<String> names) {
    for (String name : names) {
      Object value = fields.get(name);
      if (value != null) {
        fields.remove(name);
        return value.toString();
      }
    }
    return null;
  }

  static Map<String, Object> newFields() {
    return new LinkedHashMap<>();
  }
}
