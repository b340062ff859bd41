package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Where a line's trace and span ids are; the first hit wins. A W3C traceparent in the line is
 * always recognised.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TraceCorrelationSpec {

  @JsonPropertyDescription(
      "Field names holding the trace id; default: trace_id, traceId, trace.id, traceid, dd.trace_id.")
  @Size(max = 16)
  private List<String> traceIdFields;

  @JsonPropertyDescription(
      "Field names holding the span id; default: span_id, spanId, span.id, spanid, dd.span_id.")
  @Size(max = 16)
  private List<String> spanIdFields;

  @JsonPropertyDescription(
      "A regular expression with named groups trace (and optionally span) tried on the raw line.")
  private String pattern;

  public List<String> getTraceIdFields() {
    return traceIdFields;
  }

  public void setTraceIdFields(List<String> traceIdFields) {
    this.traceIdFields = traceIdFields;
  }

  public List<String> getSpanIdFields() {
    return spanIdFields;
  }

  public void setSpanIdFields(List<String> spanIdFields) {
    this.spanIdFields = spanIdFields;
  }

  public String getPattern() {
    return pattern;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }
}
