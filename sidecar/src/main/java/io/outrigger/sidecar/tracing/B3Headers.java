package io.outrigger.sidecar.tracing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The B3 propagation headers (openzipkin/b3-propagation), single and multiple, and which of them
 * are malformed. Ids are lower-hex: TraceId 16 or 32 characters, SpanId and ParentSpanId 16.
 */
final class B3Headers {
  static final String SINGLE = "b3";
  static final String TRACE_ID = "X-B3-TraceId";
  static final String SPAN_ID = "X-B3-SpanId";
  static final String PARENT_SPAN_ID = "X-B3-ParentSpanId";
  static final String SAMPLED = "X-B3-Sampled";
  static final String FLAGS = "X-B3-Flags";
  static final List<String> MULTI = List.of(TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS);

  /** Both encodings: the sidecar replaces whichever the caller sent with its own. */
  static final List<String> ALL =
      List.of(SINGLE, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS);

  private static final String TRACE = "(?:[0-9a-f]{16}|[0-9a-f]{32})";
  private static final String SPAN = "[0-9a-f]{16}";

  /**
   * {@code {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}}, the last two optional; or the
   * sampling state alone. Sampling states are 1 (accept), 0 (deny) and d (debug).
   */
  private static final Pattern SINGLE_VALUE =
      Pattern.compile("[01d]|" + TRACE + "-" + SPAN + "(?:-[01d](?:-" + SPAN + ")?)?");

  private static final Pattern TRACE_ID_VALUE = Pattern.compile(TRACE);
  private static final Pattern SPAN_ID_VALUE = Pattern.compile(SPAN);

  /** 1 or 0; true and false from tracers older than the spec, which it lets readers accept. */
  private static final Pattern SAMPLED_VALUE = Pattern.compile("[01]|true|false");

  /**
   * Debug is {@code X-B3-Flags: 1}; the field began as a bit field, so 0 (no flags) is read as not
   * debug.
   */
  private static final Pattern FLAGS_VALUE = Pattern.compile("[01]");

  private B3Headers() {}

  /**
   * The headers a B3 extractor must not see: the single header when it is malformed, all the
   * multiple headers when any of them is (a context cannot be partly the caller's).
   */
  static Set<String> malformed(UnaryOperator<String> header) {
    Set<String> malformed = new HashSet<>();
    if (!matchesIfPresent(header.apply(SINGLE), SINGLE_VALUE)) {
      malformed.add(SINGLE);
    }
    boolean multiWellFormed =
        matchesIfPresent(header.apply(TRACE_ID), TRACE_ID_VALUE)
            && matchesIfPresent(header.apply(SPAN_ID), SPAN_ID_VALUE)
            && matchesIfPresent(header.apply(PARENT_SPAN_ID), SPAN_ID_VALUE)
            && matchesIfPresent(header.apply(SAMPLED), SAMPLED_VALUE)
            && matchesIfPresent(header.apply(FLAGS), FLAGS_VALUE);
    if (!multiWellFormed) {
      malformed.addAll(MULTI);
    }
    return malformed;
  }

  private static boolean matchesIfPresent(String value, Pattern format) {
    return value == null || format.matcher(value).matches();
  }
}
