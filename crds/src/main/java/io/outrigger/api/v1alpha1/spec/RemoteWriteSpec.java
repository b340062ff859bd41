package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;

/** Prometheus remote write (protobuf + snappy). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemoteWriteSpec {

  @JsonPropertyDescription("The remote-write URL, e.g. http://victoria:8428/api/v1/write.")
  @Required
  private String url;

  @JsonPropertyDescription("Time between sends.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.PUSH_INTERVAL)
  private String interval;

  @JsonPropertyDescription(
      "Samples held while the endpoint is unreachable; the oldest go first beyond it.")
  @Default("10000")
  @Min(100)
  @Max(1000000)
  private Integer queueCapacity;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public Integer getQueueCapacity() {
    return queueCapacity;
  }

  public void setQueueCapacity(Integer queueCapacity) {
    this.queueCapacity = queueCapacity;
  }
}
