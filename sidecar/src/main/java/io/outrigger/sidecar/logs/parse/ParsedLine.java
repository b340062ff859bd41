package io.outrigger.sidecar.logs.parse;

import java.time.Instant;
import java.util.Map;

/**
 * A line (or joined multiline record) after parsing, before enrichment.
 *
 * @param timestamp the time the line carries, or null when it has none (the read time is used)
 * @param severity the level as written, or null
 * @param body the message
 * @param fields the parsed fields other than time, level and message; values are String, Long,
 *     Double or Boolean
 * @param parsed false when the line did not match the configured format and was kept as plain
 */
public record ParsedLine(
    Instant timestamp, String severity, String body, Map<String, Object> fields, boolean parsed) {

  static ParsedLine plain(String line, boolean parsed) {
    return new ParsedLine(null, null, line, Map.of(), parsed);
  }
}
