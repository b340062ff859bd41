package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.outrigger.config.Defaults;
import io.outrigger.config.ReadFrom;
import io.outrigger.config.RecordLayout;
import java.util.List;

/** Tailing the app's log files from a volume shared with the sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogsSpec {

  @JsonPropertyDescription("Tail and forward logs.")
  @Default("true")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Where the app writes its log files; the webhook mounts a shared emptyDir here in every app container.")
  @Default(Defaults.LOG_DIRECTORY)
  @Pattern("^/.*")
  private String directory;

  @JsonPropertyDescription(
      "Glob patterns of the files to tail, absolute and under the directory, e.g. /var/log/app/*.log.")
  @Size(min = 1, max = 32)
  private List<String> paths;

  @JsonPropertyDescription(
      "Where to start in a file seen for the first time: beginning or end. Files with a checkpoint resume from it.")
  @Default("beginning")
  private ReadFrom readFrom;

  @JsonPropertyDescription("Join lines that belong together, such as stack traces.")
  private MultilineSpec multiline;

  @JsonPropertyDescription("How a line becomes fields.")
  private ParserSpec parser;

  @JsonPropertyDescription(
      "Where trace_id and span_id are found in a line, so logs join their traces.")
  private TraceCorrelationSpec traceCorrelation;

  @JsonPropertyDescription(
      "Pod label keys added to every record, besides pod, namespace, node and container.")
  @Size(max = 32)
  private List<String> podLabels;

  @JsonPropertyDescription(
      "How records are laid out for the Forward, HTTP and stdout outputs: otel (flat, OpenTelemetry names: k8s.pod.name, message) or fluent-bit (as Fluent Bit's Kubernetes filter: the line in log, the pod under kubernetes.pod_name, namespace_name, container_name, host, labels).")
  @Default("otel")
  private RecordLayout recordLayout;

  @JsonPropertyDescription("Longer lines are cut to this length and counted.")
  @Default("65536")
  @Min(1024)
  @Max(16777216)
  private Integer maxLineBytes;

  @JsonPropertyDescription(
      "Records held for the outputs; when full, tailing pauses (the file is the buffer) and nothing is dropped.")
  @Default("10000")
  @Min(100)
  @Max(1000000)
  private Integer bufferLines;

  @JsonPropertyDescription("Where records go; at least one.")
  private LogOutputsSpec outputs;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getDirectory() {
    return directory;
  }

  public void setDirectory(String directory) {
    this.directory = directory;
  }

  public List<String> getPaths() {
    return paths;
  }

  public void setPaths(List<String> paths) {
    this.paths = paths;
  }

  public ReadFrom getReadFrom() {
    return readFrom;
  }

  public void setReadFrom(ReadFrom readFrom) {
    this.readFrom = readFrom;
  }

  public MultilineSpec getMultiline() {
    return multiline;
  }

  public void setMultiline(MultilineSpec multiline) {
    this.multiline = multiline;
  }

  public ParserSpec getParser() {
    return parser;
  }

  public void setParser(ParserSpec parser) {
    this.parser = parser;
  }

  public TraceCorrelationSpec getTraceCorrelation() {
    return traceCorrelation;
  }

  public void setTraceCorrelation(TraceCorrelationSpec traceCorrelation) {
    this.traceCorrelation = traceCorrelation;
  }

  public List<String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(List<String> podLabels) {
    this.podLabels = podLabels;
  }

  public RecordLayout getRecordLayout() {
    return recordLayout;
  }

  public void setRecordLayout(RecordLayout recordLayout) {
    this.recordLayout = recordLayout;
  }

  public Integer getMaxLineBytes() {
    return maxLineBytes;
  }

  public void setMaxLineBytes(Integer maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  public Integer getBufferLines() {
    return bufferLines;
  }

  public void setBufferLines(Integer bufferLines) {
    this.bufferLines = bufferLines;
  }

  public LogOutputsSpec getOutputs() {
    return outputs;
  }

  public void setOutputs(LogOutputsSpec outputs) {
    this.outputs = outputs;
  }
}
