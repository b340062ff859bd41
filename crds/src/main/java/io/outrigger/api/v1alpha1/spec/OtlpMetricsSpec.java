package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import io.outrigger.config.MetricNaming;

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

  @JsonPropertyDescription(
      "Names of the sidecar's own request metrics in the export: prometheus (as scraped:"
          + " outrigger_requests_total, outrigger_request_duration_seconds) or opentelemetry (the"
          + " HTTP semantic conventions: http.server.request.duration and"
          + " http.client.request.duration in seconds, with http.request.method,"
          + " http.response.status_code, http.route, url.scheme, error.type). Scrapes keep the"
          + " Prometheus names either way.")
  @Default("prometheus")
  private MetricNaming naming;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public MetricNaming getNaming() {
    return naming;
  }

  public void setNaming(MetricNaming naming) {
    this.naming = naming;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
