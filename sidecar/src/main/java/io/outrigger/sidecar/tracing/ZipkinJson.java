package io.outrigger.sidecar.tracing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Encodes spans as a Zipkin v2 JSON list (https://zipkin.io/zipkin-api/#/default/post_spans),
 * following the OpenTelemetry spec's Zipkin mapping: kind, micros timestamps, attributes as string
 * tags, events as annotations, status ERROR as the {@code error} tag.
 */
public final class ZipkinJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private ZipkinJson() {}

  public static byte[] encode(Collection<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 * Math.max(1, spans.size()));
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (SpanData span : spans) {
        writeSpan(json, span);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeSpan(JsonGenerator json, SpanData span) throws IOException {
    json.writeStartObject();
    json.writeStringField("traceId", span.getTraceId());
    json.writeStringField("id", span.getSpanId());
    if (span.getParentSpanContext().isValid()) {
      json.writeStringField("parentId", span.getParentSpanId());
    }
    json.writeStringField("name", span.getName());
    String kind = kind(span.getKind());
    if (kind != null) {
      json.writeStringField("kind", kind);
    }
    long startMicros = TimeUnit.NANOSECONDS.toMicros(span.getStartEpochNanos());
    json.writeNumberField("timestamp", startMicros);
    json.writeNumberField(
        "duration",
        Math.max(
            1, TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos() - span.getStartEpochNanos())));
    json.writeObjectFieldStart("localEndpoint");
    String service = span.getResource().getAttribute(SERVICE_NAME);
    json.writeStringField("serviceName", service == null ? "unknown_service" : service);
    json.writeEndObject();
    writeAnnotations(json, span.getEvents());
    writeTags(json, span);
    json.writeEndObject();
  }

  private static void writeAnnotations(JsonGenerator json, List<EventData> events)
      throws IOException {
    if (events.isEmpty()) {
      return;
    }
    json.writeArrayFieldStart("annotations");
    for (EventData event : events) {
      json.writeStartObject();
      json.writeNumberField("timestamp", TimeUnit.NANOSECONDS.toMicros(event.getEpochNanos()));
      json.writeStringField("value", event.getName());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void writeTags(JsonGenerator json, SpanData span) throws IOException {
    Attributes attributes = span.getAttributes();
    json.writeObjectFieldStart("tags");
    for (Map.Entry<AttributeKey<?>, Object> attribute : attributes.asMap().entrySet()) {
      json.writeStringField(attribute.getKey().getKey(), tagValue(attribute.getValue()));
    }
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      json.writeStringField("otel.status_code", "ERROR");
      String description = span.getStatus().getDescription();
      json.writeStringField(
          "error", description == null || description.isEmpty() ? "true" : description);
    }
    json.writeEndObject();
  }

  private static String tagValue(Object value) {
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private static String kind(SpanKind kind) {
    return switch (kind) {
      case SERVER -> "SERVER";
      case CLIENT -> "CLIENT";
      case PRODUCER -> "PRODUCER";
      case CONSUMER -> "CONSUMER";
      case INTERNAL -> null;
    };
  }
}
