package io.outrigger.sidecar.logs.output;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.sidecar.logs.LogRecord;
import java.util.Map;

/**
 * A pipeline {@link LogRecord} seen as the SDK's {@link LogRecordData}, so the SDK's own OTLP
 * exporter encodes it. Attributes the resource already carries with the same value (pod, namespace,
 * node) are left out of each record: they are sent once per request.
 */
record OtlpLogRecordData(
    Resource resource,
    long timestampNanos,
    long observedNanos,
    SpanContext spanContext,
    Severity severity,
    String severityText,
    Body body,
    Attributes attributes)
    implements LogRecordData {

  static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.create("io.outrigger.sidecar.logs");

  /** The record; its observed time is when its line was read. */
  static OtlpLogRecordData of(LogRecord record, Resource resource) {
    return new OtlpLogRecordData(
        resource,
        nanos(record.timestamp()),
        nanos(record.observed()),
        spanContext(record.traceId(), record.spanId()),
        SeverityMapping.of(record.severity()),
        record.severity(),
        Body.string(record.body() == null ? "" : record.body()),
        attributes(record, resource.getAttributes()));
  }

  private static long nanos(java.time.Instant time) {
    return time.getEpochSecond() * 1_000_000_000L + time.getNano();
  }

  /** OTLP carries trace and span ids beside the record, when the line had both. */
  static SpanContext spanContext(String traceId, String spanId) {
    if (traceId == null || spanId == null) {
      return SpanContext.getInvalid();
    }
    return SpanContext.create(traceId, spanId, TraceFlags.getDefault(), TraceState.getDefault());
  }

  /**
   * The SDK only encodes a complete span context, so a line with a trace id but no span id keeps
   * its trace id as the {@code trace_id} attribute.
   */
  static Attributes attributes(LogRecord record, Attributes resource) {
    AttributesBuilder builder = attributes(record.attributes(), resource).toBuilder();
    if (record.traceId() != null && record.spanId() == null) {
      builder.put("trace_id", record.traceId());
    }
    return builder.build();
  }

  static Attributes attributes(Map<String, Object> given, Attributes resource) {
    AttributesBuilder builder = Attributes.builder();
    put(builder, "", given, resource);
    return builder.build();
  }

  /** A map value (the Fluent Bit layout's {@code kubernetes}) goes as dotted keys. */
  private static void put(
      AttributesBuilder builder, String prefix, Map<?, ?> given, Attributes resource) {
    for (Map.Entry<?, ?> entry : given.entrySet()) {
      String key = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> nested) {
        put(builder, key + ".", nested, resource);
        continue;
      }
      if (value == null
          || value.equals(resource.get(io.opentelemetry.api.common.AttributeKey.stringKey(key)))) {
        continue;
      }
      if (value instanceof Boolean b) {
        builder.put(key, b);
      } else if (value instanceof Long || value instanceof Integer) {
        builder.put(key, ((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        builder.put(key, ((Number) value).doubleValue());
      } else {
        builder.put(key, value.toString());
      }
    }
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return SCOPE;
  }

  @Override
  public long getTimestampEpochNanos() {
    return timestampNanos;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return observedNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public Severity getSeverity() {
    return severity;
  }

  @Override
  public String getSeverityText() {
    return severityText;
  }

  @Override
  @SuppressWarnings("deprecation") // the interface still requires it; getBodyValue derives from it
  public Body getBody() {
    return body;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }
}
