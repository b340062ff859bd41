package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;

/** Multiline joining: set startPattern or continuationPattern. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MultilineSpec {

  @JsonPropertyDescription(
      "A regular expression matching the first line of a record; other lines join the record before them.")
  private String startPattern;

  @JsonPropertyDescription(
      "A regular expression matching lines that continue the record before them.")
  private String continuationPattern;

  @JsonPropertyDescription("A pending record is emitted after this long without a new line.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.MULTILINE_FLUSH)
  private String flushTimeout;

  @JsonPropertyDescription("Lines joined into one record at most.")
  @Default("500")
  @Min(2)
  @Max(100000)
  private Integer maxLines;

  public String getStartPattern() {
    return startPattern;
  }

  public void setStartPattern(String startPattern) {
    this.startPattern = startPattern;
  }

  public String getContinuationPattern() {
    return continuationPattern;
  }

  public void setContinuationPattern(String continuationPattern) {
    this.continuationPattern = continuationPattern;
  }

  public String getFlushTimeout() {
    return flushTimeout;
  }

  public void setFlushTimeout(String flushTimeout) {
    this.flushTimeout = flushTimeout;
  }

  public Integer getMaxLines() {
    return maxLines;
  }

  public void setMaxLines(Integer maxLines) {
    this.maxLines = maxLines;
  }
}
