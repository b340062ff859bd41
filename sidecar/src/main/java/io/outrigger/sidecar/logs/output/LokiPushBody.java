package io.outrigger.sidecar.logs.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.outrigger.sidecar.logs.LogEnrichment;
import io.outrigger.sidecar.logs.LogRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A batch as a Loki push request (JSON): records grouped into streams by a small, bounded label set
 * — {@code namespace}, {@code pod}, {@code container} from the enrichment, plus the configured
 * static labels — because every distinct label set is a Loki stream and high cardinality labels
 * hurt Loki. Each value is {@code [nanoseconds as a string, line]}, the line being the record as
 * JSON without the label attributes (Fluent Bit's {@code line_format json}); trace and span ids
 * also go as structured metadata when enabled, so Grafana can link to traces without parsing the
 * line.
 */
public final class LokiPushBody {
  /** Stream label name → the enrichment attribute it comes from. */
  static final Map<String, String> LABEL_ATTRIBUTES =
      Map.of(
          "namespace", "k8s.namespace.name",
          "pod", "k8s.pod.name",
          "container", "k8s.container.name");

  /** The same in the Fluent Bit layout, from its {@code kubernetes} map. */
  static final Map<String, String> LABEL_KUBERNETES_KEYS =
      Map.of(
          "namespace", "namespace_name",
          "pod", "pod_name",
          "container", "container_name");

  private static final Set<String> LABEL_KEYS = Set.copyOf(LABEL_ATTRIBUTES.values());
  private static final JsonFactory JSON = new JsonFactory();

  private LokiPushBody() {}

  public static String of(
      List<LogRecord> batch, Map<String, String> staticLabels, boolean structuredMetadata) {
    Map<Map<String, String>, List<LogRecord>> streams = new LinkedHashMap<>();
    for (LogRecord record : batch) {
      streams.computeIfAbsent(labels(record, staticLabels), k -> new ArrayList<>()).add(record);
    }
    StringWriter out = new StringWriter(batch.size() * 256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("streams");
      for (Map.Entry<Map<String, String>, List<LogRecord>> stream : streams.entrySet()) {
        json.writeStartObject();
        json.writeObjectFieldStart("stream");
        for (Map.Entry<String, String> label : stream.getKey().entrySet()) {
          json.writeStringField(label.getKey(), label.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("values");
        for (LogRecord record : stream.getValue()) {
          json.writeStartArray();
          json.writeString(nanos(record));
          json.writeString(LogRecordJson.of(record, false, LABEL_KEYS));
          if (structuredMetadata && record.traceId() != null) {
            json.writeStartObject();
            json.writeStringField("trace_id", record.traceId());
            if (record.spanId() != null) {
              json.writeStringField("span_id", record.spanId());
            }
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON into memory does not fail", e);
    }
    return out.toString();
  }

  static Map<String, String> labels(LogRecord record, Map<String, String> staticLabels) {
    Map<String, String> labels = new TreeMap<>(staticLabels);
    Object kubernetes = record.attributes().get(LogEnrichment.FLUENT_BIT_KUBERNETES);
    LABEL_ATTRIBUTES.forEach(
        (label, attribute) -> {
          Object value = record.attributes().get(attribute);
          if (value == null && kubernetes instanceof Map<?, ?> pod) {
            value = pod.get(LABEL_KUBERNETES_KEYS.get(label));
          }
          if (value != null) {
            labels.put(label, value.toString());
          }
        });
    if (labels.isEmpty()) {
      // Loki refuses a stream without labels.
      labels.put("job", "outrigger");
    }
    return labels;
  }

  static String nanos(LogRecord record) {
    return Long.toString(
        record.timestamp().getEpochSecond() * 1_000_000_000L + record.timestamp().getNano());
  }
}
