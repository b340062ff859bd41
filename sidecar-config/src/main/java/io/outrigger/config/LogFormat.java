package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a log line is turned into fields. */
public enum LogFormat {
  @JsonProperty("json")
  JSON,
  @JsonProperty("logfmt")
  LOGFMT,
  /** A regular expression with named groups; the group names become fields. */
  @JsonProperty("regex")
  REGEX,
  /** The whole line is the message. */
  @JsonProperty("plain")
  PLAIN
}
