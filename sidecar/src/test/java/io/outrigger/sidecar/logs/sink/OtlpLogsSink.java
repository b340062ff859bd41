package io.outrigger.sidecar.logs.sink;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP logs receiver for tests: {@code POST /v1/logs} bodies decoded with the official
 * opentelemetry-proto classes ({@code ExportLogsServiceRequest}); a body that does not decode, or
 * comes with another content type, is refused with 400.
 */
public final class OtlpLogsSink extends HttpTestSink {

  /** A received record with the resource it came with. */
  public record Received(Map<String, String> resource, LogRecord record) {

    /** A string, int, double or bool attribute of the record, as text; null when absent. */
    public String attribute(String key) {
      for (KeyValue kv : record.getAttributesList()) {
        if (kv.getKey().equals(key)) {
          return text(kv.getValue());
        }
      }
      return null;
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();

  public OtlpLogsSink() {
    super("/v1/logs");
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** How often each value of the record attribute {@code key} arrived. */
  public Map<String, Integer> countsBy(String key) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Received r : received) {
      counts.merge(String.valueOf(r.attribute(key)), 1, Integer::sum);
    }
    return counts;
  }

  public long duplicates(String key) {
    return countsBy(key).values().stream().mapToLong(n -> n - 1).sum();
  }

  @Override
  protected void accept(HttpServerRequest request, Buffer body) throws Exception {
    String type = request.getHeader("content-type");
    if (!"application/x-protobuf".equals(type)) {
      throw new IllegalArgumentException("content-type " + type + ", not application/x-protobuf");
    }
    ExportLogsServiceRequest export = ExportLogsServiceRequest.parseFrom(body.getBytes());
    for (ResourceLogs resourceLogs : export.getResourceLogsList()) {
      Map<String, String> resource = new LinkedHashMap<>();
      for (KeyValue kv : resourceLogs.getResource().getAttributesList()) {
        resource.put(kv.getKey(), text(kv.getValue()));
      }
      for (ScopeLogs scope : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scope.getLogRecordsList()) {
          received.add(new Received(Map.copyOf(resource), record));
        }
      }
    }
  }

  @Override
  protected Buffer okBody() {
    return Buffer.buffer(ExportLogsServiceResponse.getDefaultInstance().toByteArray());
  }

  @Override
  protected String okContentType() {
    return "application/x-protobuf";
  }

  static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      default -> value.toString();
    };
  }
}
