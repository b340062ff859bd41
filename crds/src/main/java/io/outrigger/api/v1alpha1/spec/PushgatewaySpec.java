package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;

/** Pushing to a Prometheus Pushgateway (grouping key job, namespace, pod, pod UID). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PushgatewaySpec {

  @JsonPropertyDescription("Base URL of the Pushgateway, e.g. http://pushgateway.monitoring:9091.")
  @Required
  private String url;

  @JsonPropertyDescription("The job label of the group; default: the workload name.")
  private String job;

  @JsonPropertyDescription("Time between pushes.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.PUSH_INTERVAL)
  private String interval;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }
}
