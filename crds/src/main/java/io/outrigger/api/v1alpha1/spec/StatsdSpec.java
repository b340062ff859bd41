package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** A StatsD (and DogStatsD tags) listener on UDP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StatsdSpec {

  @JsonPropertyDescription("UDP port on the pod.")
  @Default("8125")
  @Min(1)
  @Max(65535)
  private Integer port;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }
}
