package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A token bucket per listener. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RateLimitSpec {

  @JsonPropertyDescription("Sustained requests per second.")
  @Required
  @Min(value = 0.001)
  @Max(1000000)
  private Double requestsPerSecond;

  @JsonPropertyDescription(
      "Requests allowed at once above the sustained rate; default: one second's worth.")
  @Min(1)
  @Max(1000000)
  private Integer burst;

  public Double getRequestsPerSecond() {
    return requestsPerSecond;
  }

  public void setRequestsPerSecond(Double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  public Integer getBurst() {
    return burst;
  }

  public void setBurst(Integer burst) {
    this.burst = burst;
  }
}
