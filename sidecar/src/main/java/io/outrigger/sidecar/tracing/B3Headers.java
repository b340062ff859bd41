package io.outrigger.sidecar.tracing;

import java.util.List;

/** The B3 propagation headers (openzipkin/b3-propagation), single and multiple. */
final class B3Headers {
  static final String SINGLE = "b3";
  static final String TRACE_ID = "X-B3-TraceId";
  static final String SPAN_ID = "X-B3-SpanId";
  static final String PARENT_SPAN_ID = "X-B3-ParentSpanId";
  static final String SAMPLED = "X-B3-Sampled";
  static final String FLAGS = "X-B3-Flags";
  static final List<String> MULTI = List.of(TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS);

  private B3Headers() {}
}
