package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.List;
import java.util.Locale;

/**
 * The {@code x-trace-id} / {@code x-span-id} / {@code x-parent-span} headers some in-house stacks
 * use.
 *
 * <p>Extract keeps the caller's trace id and takes {@code x-span-id} as the parent span. The format
 * carries no sampling flag, so an extracted context is marked with {@link #TRACE_STATE_KEY} in its
 * trace state and {@link ReloadableSampler} samples it by trace-id ratio (the same decision at
 * every hop) instead of treating the missing flag as "not sampled". Inject writes the current span
 * as {@code x-span-id} and its parent as {@code x-parent-span}.
 */
public final class XTracePropagator implements TextMapPropagator {
  public static final String TRACE_ID = "x-trace-id";
  public static final String SPAN_ID = "x-span-id";
  public static final String PARENT_SPAN = "x-parent-span";
  static final String TRACE_STATE_KEY = "outrigger";
  static final String TRACE_STATE_VALUE = "xtrace";

  private static final List<String> FIELDS = List.of(TRACE_ID, SPAN_ID, PARENT_SPAN);

  @Override
  public List<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    SpanContext current = Span.fromContext(context).getSpanContext();
    if (!current.isValid() || setter == null) {
      return;
    }
    setter.set(carrier, TRACE_ID, current.getTraceId());
    setter.set(carrier, SPAN_ID, current.getSpanId());
    if (Span.fromContext(context) instanceof ReadableSpan span
        && span.getParentSpanContext().isValid()) {
      setter.set(carrier, PARENT_SPAN, span.getParentSpanContext().getSpanId());
    }
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (getter == null) {
      return context;
    }
    String traceId = normaliseTraceId(getter.get(carrier, TRACE_ID));
    String spanId = normaliseSpanId(getter.get(carrier, SPAN_ID));
    if (traceId == null || spanId == null) {
      return context;
    }
    SpanContext parent =
        SpanContext.createFromRemoteParent(
            traceId,
            spanId,
            TraceFlags.getDefault(),
            TraceState.builder().put(TRACE_STATE_KEY, TRACE_STATE_VALUE).build());
    return context.with(Span.wrap(parent));
  }

  /** 32 hex digits, or 16 (64-bit ids, left-padded as B3 does); anything else is ignored. */
  static String normaliseTraceId(String value) {
    if (value == null) {
      return null;
    }
    String id = value.trim().toLowerCase(Locale.ROOT);
    if (id.length() == 16) {
      id = "0000000000000000" + id;
    }
    return TraceId.isValid(id) ? id : null;
  }

  static String normaliseSpanId(String value) {
    if (value == null) {
      return null;
    }
    String id = value.trim().toLowerCase(Locale.ROOT);
    return SpanId.isValid(id) ? id : null;
  }

  @Override
  public String toString() {
    return "XTracePropagator";
  }
}
