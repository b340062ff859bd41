package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** OTLP logs over HTTP/protobuf. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OtlpLogsSpec {

  @JsonPropertyDescription("OTLP/HTTP base URL, e.g. http://otel-collector:4318.")
  @Required
  private String endpoint;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }
}
