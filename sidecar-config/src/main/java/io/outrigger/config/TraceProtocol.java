package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How spans leave the sidecar. */
public enum TraceProtocol {
  @JsonProperty("otlp-grpc")
  OTLP_GRPC,
  @JsonProperty("otlp-http")
  OTLP_HTTP,
  @JsonProperty("zipkin")
  ZIPKIN,
  /** Spans are made (so context propagates and logs correlate) but not exported. */
  @JsonProperty("none")
  NONE
}
