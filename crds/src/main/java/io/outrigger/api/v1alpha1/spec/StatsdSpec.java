package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.outrigger.config.StatsdListen;

/** A StatsD (and DogStatsD tags) listener on UDP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StatsdSpec {

  @JsonPropertyDescription("UDP port on the pod.")
  @Default("8125")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "loopback (default): only this pod's containers can send; pod: the pod's IP too, for"
          + " senders in other pods. StatsD has no authentication: whoever can reach the port"
          + " writes this pod's metrics.")
  @Default("loopback")
  private StatsdListen listen;

  public StatsdListen getListen() {
    return listen;
  }

  public void setListen(StatsdListen listen) {
    this.listen = listen;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }
}
