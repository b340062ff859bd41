package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;

/** OTLP metrics over HTTP/protobuf. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OtlpMetricsSpec {

  @JsonPropertyDescription("OTLP/HTTP base URL, e.g. http://otel-collector:4318.")
  @Required
  private String endpoint;

  @JsonPropertyDescription("Time between exports.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.PUSH_INTERVAL)
  private String interval;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
