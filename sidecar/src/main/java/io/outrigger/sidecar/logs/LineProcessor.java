package io.outrigger.sidecar.logs;

import io.outrigger.config.RecordLayout;
import io.outrigger.config.SidecarConfig.LogsConfig;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.ParsedLine;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor.TraceContext;
import java.time.Instant;
import java.util.Map;

/**
 * One record's text to a {@link PackedRecord}: parse, find the trace context, enrich, pack.
 * Immutable and built from the config, so a reload swaps in a new one between two records.
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

  /** The record, packed, and whether the text parsed in the configured format. */
  public record Result(PackedRecord record, boolean parsed) {}

  /**
   * Packs the record straight from the parsed fields with {@code packer}: the per-line map of
   * fields and enrichment that a {@link LogRecord} needs is never built. The attributes are the
   * parsed fields (less those the trace ids came from), then the pod's, then the file path; a later
   * one of the same name wins. In the Fluent Bit layout the line as read comes first, in {@code
   * log}, and the message is kept apart only when the parser found one inside the line.
   */
  public Result process(String text, String filePath, Instant readTime, RecordPacker packer) {
    ParsedLine parsed = parser.parse(text);
    TraceContext trace = traces.extract(parsed.fields(), text);
    Map<String, Object> pod = enrichment.podAttributes();
    boolean fluentBit = enrichment.layout() == RecordLayout.FLUENT_BIT;
    String body = fluentBit && text.equals(parsed.body()) ? null : parsed.body();
    packer.start(
        parsed.timestamp() != null ? parsed.timestamp() : readTime,
        readTime,
        parsed.severity(),
        body,
        trace.traceId(),
        trace.spanId());
    if (fluentBit) {
      packer.attribute(LogEnrichment.FLUENT_BIT_LOG, text);
    }
    parsed
        .fields()
        .forEach(
            (name, value) -> {
              if (!name.equals(trace.traceField())
                  && !name.equals(trace.spanField())
                  && !pod.containsKey(name)
                  && !name.equals(FILE_PATH)
                  && !(fluentBit && name.equals(LogEnrichment.FLUENT_BIT_LOG))) {
                packer.attribute(name, value);
              }
            });
    pod.forEach(packer::attribute);
    packer.attribute(FILE_PATH, filePath);
    return new Result(packer.finish(), parsed.parsed());
  }
}
