package io.outrigger.sidecar.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * POSTs spans to a Zipkin v2 endpoint ({@code /api/v2/spans}) as JSON, with the JDK HTTP client.
 */
public final class ZipkinSpanExporter implements SpanExporter {
  private static final Logger LOG = Logger.getLogger(ZipkinSpanExporter.class.getName());

  private final HttpClient client;
  private final URI endpoint;
  private final Map<String, String> headers;
  private final Duration timeout;

  public ZipkinSpanExporter(String endpoint, Map<String, String> headers, Duration timeout) {
    this.endpoint = URI.create(endpoint);
    this.headers = Map.copyOf(headers);
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ZipkinJson.encode(spans)));
    headers.forEach(request::header);
    CompletableResultCode result = new CompletableResultCode();
    client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                LOG.log(Level.FINE, "zipkin export to " + endpoint + " failed", error);
                result.failExceptionally(error);
              } else if (response.statusCode() / 100 != 2) {
                LOG.fine(
                    () -> "zipkin export to " + endpoint + " answered " + response.statusCode());
                result.fail();
              } else {
                result.succeed();
              }
            });
    return result;
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
