package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.outrigger.config.LogFormat;

/** Line parsing and timestamp and level extraction. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ParserSpec {

  @JsonPropertyDescription(
      "json, logfmt, regex (named groups become fields) or plain. Lines that do not parse are kept as plain and counted.")
  @Default("plain")
  private LogFormat format;

  @JsonPropertyDescription("For regex: a Java regular expression with named groups.")
  private String pattern;

  @JsonPropertyDescription(
      "Field holding the record's timestamp; default: the time the line was read.")
  private String timeField;

  @JsonPropertyDescription(
      "Format of the time field: ISO8601, epoch, epoch_millis, or a java.time pattern.")
  private String timeFormat;

  @JsonPropertyDescription("Field holding the record's level.")
  private String levelField;

  public LogFormat getFormat() {
    return format;
  }

  public void setFormat(LogFormat format) {
    this.format = format;
  }

  public String getPattern() {
    return pattern;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public String getTimeField() {
    return timeField;
  }

  public void setTimeField(String timeField) {
    this.timeField = timeField;
  }

  public String getTimeFormat() {
    return timeFormat;
  }

  public void setTimeFormat(String timeFormat) {
    this.timeFormat = timeFormat;
  }

  public String getLevelField() {
    return levelField;
  }

  public void setLevelField(String levelField) {
    this.levelField = levelField;
  }
}
