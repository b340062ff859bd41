package io.outrigger.sidecar.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * An exporter whose target can be replaced while the batch processor in front of it keeps running.
 */
final class SwitchableSpanExporter implements SpanExporter {
  private volatile SpanExporter delegate;

  SwitchableSpanExporter(SpanExporter initial) {
    this.delegate = initial;
  }

  void replace(SpanExporter next) {
    SpanExporter previous = delegate;
    delegate = next;
    previous.shutdown();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
