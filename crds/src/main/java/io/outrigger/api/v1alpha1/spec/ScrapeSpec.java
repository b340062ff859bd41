package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import io.outrigger.config.Scheme;

/** The app's metrics endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScrapeSpec {

  @JsonPropertyDescription("Port of the app's metrics endpoint.")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription("Path of the app's metrics endpoint.")
  @Default(Defaults.METRICS_PATH)
  @Pattern("^/.*")
  private String path;

  @JsonPropertyDescription("http or https.")
  @Default("http")
  private Scheme scheme;

  @JsonPropertyDescription("Time between scrapes.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.SCRAPE_INTERVAL)
  private String interval;

  @JsonPropertyDescription(
      "A scrape taking longer fails; must not exceed the interval. Default: the smaller of 10s and the interval.")
  @Pattern(DurationText.PATTERN)
  private String timeout;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Scheme getScheme() {
    return scheme;
  }

  public void setScheme(Scheme scheme) {
    this.scheme = scheme;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
