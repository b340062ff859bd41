package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** URL scheme the sidecar uses to reach the app's metrics endpoint. */
public enum Scheme {
  @JsonProperty("http")
  HTTP,
  @JsonProperty("https")
  HTTPS
}
