package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which names and attributes the sidecar's own HTTP request metrics carry in an OTLP export. */
public enum MetricNaming {
  /**
   * The Prometheus families as scraped ({@code outrigger_requests_total}, {@code
   * outrigger_request_duration_seconds} with {@code method}, {@code status_code}, {@code route}).
   */
  @JsonProperty("prometheus")
  PROMETHEUS,
  /**
   * The OpenTelemetry HTTP semantic conventions: {@code http.server.request.duration} and {@code
   * http.client.request.duration} histograms in seconds, with {@code http.request.method}, {@code
   * http.response.status_code}, {@code http.route}, {@code url.scheme}, {@code error.type}.
   */
  @JsonProperty("opentelemetry")
  OPENTELEMETRY
}
