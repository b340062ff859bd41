package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Parent-based ratio sampling whose ratio can change while the sidecar runs (hot reload): the SDK
 * fixes its sampler at build time, so this one delegates to a volatile field.
 *
 * <p>Parents from the xtrace format carry no sampled flag; they get the ratio decision instead of
 * "not sampled".
 */
public final class ReloadableSampler implements Sampler {
  private volatile double ratio;
  private volatile Sampler parentBased;
  private volatile Sampler ratioOnly;

  public ReloadableSampler(double ratio) {
    setRatio(ratio);
  }

  public void setRatio(double ratio) {
    Sampler byTraceId = Sampler.traceIdRatioBased(ratio);
    this.ratioOnly = byTraceId;
    this.parentBased = Sampler.parentBased(byTraceId);
    this.ratio = ratio;
  }

  public double ratio() {
    return ratio;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    boolean xtraceParent =
        parent.isRemote()
            && XTracePropagator.TRACE_STATE_VALUE.equals(
                parent.getTraceState().get(XTracePropagator.TRACE_STATE_KEY));
    Sampler sampler = xtraceParent ? ratioOnly : parentBased;
    return sampler.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "ReloadableSampler{parentBased(traceIdRatio=" + ratio + ")}";
  }
}
