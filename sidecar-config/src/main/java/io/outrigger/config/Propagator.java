package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Trace-context header formats the proxy reads from and writes to requests. */
public enum Propagator {
  /** W3C {@code traceparent}/{@code tracestate}. */
  @JsonProperty("tracecontext")
  TRACECONTEXT,
  /** W3C {@code baggage}. */
  @JsonProperty("baggage")
  BAGGAGE,
  /** Zipkin B3, single {@code b3} header. */
  @JsonProperty("b3")
  B3,
  /** Zipkin B3, one {@code X-B3-*} header per field. */
  @JsonProperty("b3multi")
  B3MULTI,
  /** Jaeger {@code uber-trace-id}. */
  @JsonProperty("jaeger")
  JAEGER,
  /** {@code x-trace-id}, {@code x-span-id}, {@code x-parent-span}. */
  @JsonProperty("xtrace")
  XTRACE
}
