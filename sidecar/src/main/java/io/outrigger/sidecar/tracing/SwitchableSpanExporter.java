package io.outrigger.sidecar.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * An exporter whose target can be replaced while the batch processor in front of it keeps running.
 * Each export's outcome is told to a listener (spans and whether the receiver took them).
 */
final class SwitchableSpanExporter implements SpanExporter {
  private volatile SpanExporter delegate;
  private volatile BiConsumer<Integer, Boolean> exported = (spans, success) -> {};

  SwitchableSpanExporter(SpanExporter initial) {
    this.delegate = initial;
  }

  void replace(SpanExporter next) {
    SpanExporter previous = delegate;
    delegate = next;
    previous.shutdown();
  }

  void onExport(BiConsumer<Integer, Boolean> listener) {
    this.exported = listener;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    int count = spans.size();
    result.whenComplete(() -> exported.accept(count, result.isSuccess()));
    return result;
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
