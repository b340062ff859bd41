package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where tailing starts in a file seen for the first time (files with a checkpoint resume from it).
 */
public enum ReadFrom {
  @JsonProperty("beginning")
  BEGINNING,
  @JsonProperty("end")
  END
}
