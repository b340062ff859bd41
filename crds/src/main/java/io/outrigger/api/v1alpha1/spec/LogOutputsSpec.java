package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Log destinations; each is optional and all given ones receive every record. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogOutputsSpec {

  @JsonPropertyDescription("Fluentd forward protocol (Fluentd, Fluent Bit, Vector).")
  private ForwardOutputSpec forward;

  @JsonPropertyDescription("OTLP logs over HTTP/protobuf.")
  private OtlpLogsSpec otlp;

  @JsonPropertyDescription("Grafana Loki push API.")
  private LokiOutputSpec loki;

  @JsonPropertyDescription("JSON lines POSTed to a URL.")
  private HttpOutputSpec http;

  @JsonPropertyDescription(
      "Print records to the sidecar's stdout as JSON lines (for kubectl logs).")
  @Default("false")
  private Boolean stdout;

  public ForwardOutputSpec getForward() {
    return forward;
  }

  public void setForward(ForwardOutputSpec forward) {
    this.forward = forward;
  }

  public OtlpLogsSpec getOtlp() {
    return otlp;
  }

  public void setOtlp(OtlpLogsSpec otlp) {
    this.otlp = otlp;
  }

  public LokiOutputSpec getLoki() {
    return loki;
  }

  public void setLoki(LokiOutputSpec loki) {
    this.loki = loki;
  }

  public HttpOutputSpec getHttp() {
    return http;
  }

  public void setHttp(HttpOutputSpec http) {
    this.http = http;
  }

  public Boolean getStdout() {
    return stdout;
  }

  public void setStdout(Boolean stdout) {
    this.stdout = stdout;
  }
}
