package io.outrigger.sidecar.logs;

import java.time.Instant;
import java.util.Map;

/**
 * One log event after multiline join, parsing and enrichment: what every output encodes.
 *
 * <p>This is the contract between the pipeline (tailer → parser → enrichment) and the outputs
 * (Forward, OTLP, Loki, HTTP, stdout); neither side knows the other's internals.
 *
 * @param timestamp the time parsed from the line, or the time it was read when it has none
 * @param severity the level as written by the app ({@code INFO}, {@code warn}, ...), or null
 * @param body the message: the parsed message field when the format has one, else the whole line
 * @param attributes parsed fields and enrichment (pod, namespace, node, container, chosen pod
 *     labels, {@code log.file.path}); values are String, Long, Double or Boolean, or a map of such
 *     values (the {@code kubernetes} map of the Fluent Bit layout)
 * @param traceId 32 lowercase hex digits, or null when the line carries no trace context
 * @param spanId 16 lowercase hex digits, or null
 * @param observed when the line was read (OTLP's observed time)
 */
public record LogRecord(
    Instant timestamp,
    String severity,
    String body,
    Map<String, Object> attributes,
    String traceId,
    String spanId,
    Instant observed) {

  public LogRecord {
    attributes = Map.copyOf(attributes);
  }

  /** A record observed at its own time. */
  public LogRecord(
      Instant timestamp,
      String severity,
      String body,
      Map<String, Object> attributes,
      String traceId,
      String spanId) {
    this(timestamp, severity, body, attributes, traceId, spanId, timestamp);
  }
}
