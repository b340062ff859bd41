package io.outrigger.sidecar.logs;

import io.outrigger.config.SidecarConfig.LogsConfig;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.ParsedLine;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor.TraceContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One record's text to a {@link LogRecord}: parse, find the trace context, enrich. Immutable and
 * built from the config, so a reload swaps in a new one between two records.
 */
public final class LineProcessor {
  public static final String FILE_PATH = "log.file.path";

  private final LineParser parser;
  private final TraceContextExtractor traces;
  private final LogEnrichment enrichment;

  public LineProcessor(LineParser parser, TraceContextExtractor traces, LogEnrichment enrichment) {
    this.parser = parser;
    this.traces = traces;
    this.enrichment = enrichment;
  }

  /** Fails with a message naming the field when the parser or trace settings are invalid. */
  public static LineProcessor from(LogsConfig config, LogEnrichment enrichment) {
    return new LineProcessor(
        LineParser.from(config.parser()),
        new TraceContextExtractor(config.traceCorrelation()),
        enrichment);
  }

  /** The record, and whether the text parsed in the configured format. */
  public record Result(LogRecord record, boolean parsed) {}

  public Result process(String text, String filePath, Instant readTime) {
    ParsedLine parsed = parser.parse(text);
    TraceContext trace = traces.extract(parsed.fields(), text);
    Map<String, Object> attributes =
        new HashMap<>(parsed.fields().size() + enrichment.podAttributes().size() + 2);
    parsed
        .fields()
        .forEach(
            (name, value) -> {
              if (!name.equals(trace.traceField()) && !name.equals(trace.spanField())) {
                attributes.put(name, value);
              }
            });
    attributes.putAll(enrichment.podAttributes());
    attributes.put(FILE_PATH, filePath);
    LogRecord record =
        new LogRecord(
            parsed.timestamp() != null ? parsed.timestamp() : readTime,
            parsed.severity(),
            parsed.body(),
            attributes,
            trace.traceId(),
            trace.spanId());
    return new Result(record, parsed.parsed());
  }
}
