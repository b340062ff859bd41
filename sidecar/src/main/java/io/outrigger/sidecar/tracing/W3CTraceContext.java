package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;

/**
 * W3C Trace Context Level 1: OpenTelemetry's {@code traceparent} handling, {@code tracestate} read
 * by {@link TraceStateList}, and only the {@code sampled} flag sent.
 *
 * <p>The getter must read fields as {@link HeaderCarrier} does: a repeated {@code traceparent} is
 * absent, repeated {@code tracestate} fields are one list.
 */
final class W3CTraceContext implements TextMapPropagator {
  static final String TRACESTATE = "tracestate";

  private static final TextMapPropagator TRACEPARENT_ONLY = W3CTraceContextPropagator.getInstance();

  @Override
  public Collection<String> fields() {
    return TRACEPARENT_ONLY.fields();
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (span.isValid() && (span.getTraceFlags().asByte() & ~1) != 0) {
      // §3.2.2.5.2: flags other than sampled are reserved and MUST be sent as zero. (The SDK sets
      // Trace Context Level 2's random-trace-id flag on the traces it starts.)
      SpanContext sampledOnly =
          SpanContext.create(
              span.getTraceId(),
              span.getSpanId(),
              span.isSampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
              span.getTraceState());
      context = context.with(Span.wrap(sampledOnly));
    }
    TRACEPARENT_ONLY.inject(context, carrier, setter);
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null || getter == null) {
      return TRACEPARENT_ONLY.extract(context, carrier, getter);
    }
    Context extracted = TRACEPARENT_ONLY.extract(context, carrier, withoutTracestate(getter));
    if (Span.fromContext(extracted) == Span.fromContext(context)) {
      // §3.3: "If the vendor failed to parse traceparent, it MUST NOT attempt to parse tracestate."
      return context;
    }
    SpanContext parent = Span.fromContext(extracted).getSpanContext();
    // §3.3: a tracestate that fails to parse does not affect traceparent; it is dropped (§4.3).
    TraceState state =
        TraceStateList.parse(getter.get(carrier, TRACESTATE)).orElse(TraceState.getDefault());
    return context.with(
        Span.wrap(
            SpanContext.createFromRemoteParent(
                parent.getTraceId(), parent.getSpanId(), parent.getTraceFlags(), state)));
  }

  /** The carrier as OpenTelemetry's propagator sees it: tracestate is read here instead. */
  private static <C> TextMapGetter<C> withoutTracestate(TextMapGetter<C> getter) {
    return new TextMapGetter<>() {
      @Override
      @SuppressWarnings("deprecation") // delegated as is
      public Iterable<String> keys(C carrier) {
        return getter.keys(carrier);
      }

      @Override
      public String get(C carrier, String key) {
        return TRACESTATE.equalsIgnoreCase(key) ? null : getter.get(carrier, key);
      }

      @Override
      public Iterator<String> getAll(C carrier, String key) {
        return TRACESTATE.equalsIgnoreCase(key)
            ? Collections.emptyIterator()
            : getter.getAll(carrier, key);
      }
    };
  }

  @Override
  public String toString() {
    return "W3CTraceContext";
  }
}
