package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import io.outrigger.config.TraceProtocol;
import java.util.List;
import java.util.Map;

/** Span export. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TraceExporterSpec {

  @JsonPropertyDescription("otlp-grpc, otlp-http, zipkin or none.")
  @Required
  private TraceProtocol protocol;

  @JsonPropertyDescription(
      "Collector URL, e.g. http://otel-collector:4317 (gRPC), http://otel-collector:4318 (HTTP) or http://zipkin:9411/api/v2/spans.")
  private String endpoint;

  @JsonPropertyDescription(
      "Headers sent with every export, in plain text in the policy: for credentials use headersFrom.")
  private Map<String, String> headers;

  @JsonPropertyDescription(
      "Headers whose values come from Secrets of the pod's namespace (the kubelet puts them in the sidecar's environment; neither the policy nor the operator sees them). A change applies to pods created after it.")
  @Size(max = 8)
  private List<HeaderFromSecretSpec> headersFrom;

  @JsonPropertyDescription("Export call timeout.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.EXPORT_TIMEOUT)
  private String timeout;

  public TraceProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(TraceProtocol protocol) {
    this.protocol = protocol;
  }

  public List<HeaderFromSecretSpec> getHeadersFrom() {
    return headersFrom;
  }

  public void setHeadersFrom(List<HeaderFromSecretSpec> headersFrom) {
    this.headersFrom = headersFrom;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Map<String, String> getHeaders() {
    return headers;
  }

  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
