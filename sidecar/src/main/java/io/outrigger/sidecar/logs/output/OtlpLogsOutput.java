package io.outrigger.sidecar.logs.output;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig.OtlpLogsConfig;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OTLP logs over HTTP/protobuf to {@code <endpoint>/v1/logs}, encoded and sent by the OpenTelemetry
 * SDK's own exporter (as the sidecar's spans and metrics are), with the pod's resource ({@code
 * k8s.pod.name}, {@code k8s.namespace.name}, {@code k8s.node.name}, {@code service.name}) and each
 * record's trace and span ids. A batch is acknowledged by a 2xx answer; the SDK's own retries are
 * off because {@link RetryingOutput} retries, counted, without limit.
 */
public final class OtlpLogsOutput implements LogOutput {
  private final OtlpHttpLogRecordExporter exporter;
  private final Resource resource;

  public OtlpLogsOutput(OtlpLogsConfig config, Resource resource) {
    this.resource = resource;
    var builder =
        OtlpHttpLogRecordExporter.builder()
            .setEndpoint(logsUrl(config.endpoint()))
            .setTimeout(config.timeout())
            .setRetryPolicy(null);
    config.headers().forEach(builder::addHeader);
    this.exporter = builder.build();
  }

  @Override
  public String name() {
    return "otlp";
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<LogRecordData> data = new ArrayList<>(batch.size());
    for (LogRecord record : batch) {
      data.add(OtlpLogRecordData.of(record, resource));
    }
    Promise<Void> acknowledged = Promise.promise();
    CompletableResultCode result = exporter.export(data);
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            acknowledged.complete();
          } else {
            acknowledged.fail(failure(result.getFailureThrowable()));
          }
        });
    return acknowledged.future();
  }

  /**
   * The exporter's failure; a 413/400/422 answer as a {@link RefusedBatchException}. The SDK says
   * the status only through its exporter-internal exception type.
   */
  static Throwable failure(Throwable cause) {
    if (cause instanceof FailedExportException.HttpExportException http
        && http.failedWithResponse()) {
      int status = http.getResponse().getStatusCode();
      Optional<RefusedBatchException.Reason> reason = RefusedBatchException.forStatus(status);
      if (reason.isPresent()) {
        return new RefusedBatchException(
            status,
            reason.get(),
            "the OTLP receiver answered "
                + status
                + ": "
                + new String(http.getResponse().getResponseBody(), StandardCharsets.UTF_8)
                    .strip()
                    .lines()
                    .findFirst()
                    .orElse(""));
      }
    }
    return cause != null
        ? cause
        : new IllegalStateException("the OTLP receiver did not accept the logs");
  }

  /** Given a base URL as for the collector, logs go to /v1/logs. */
  static String logsUrl(String endpoint) {
    if (endpoint.endsWith("/v1/logs")) {
      return endpoint;
    }
    return endpoint.replaceAll("/+$", "") + "/v1/logs";
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    CompletableResultCode result = exporter.shutdown();
    result.whenComplete(done::complete);
    return done.future();
  }
}
