package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a log record's keys are laid out for the outputs that send it as a map or JSON object. */
public enum RecordLayout {
  /**
   * Flat, with the OpenTelemetry semantic conventions' names: the message in {@code message}, the
   * pod in {@code k8s.pod.name}, {@code k8s.namespace.name}, {@code k8s.node.name}, ...
   */
  @JsonProperty("otel")
  OTEL,
  /**
   * As Fluent Bit's tail input and Kubernetes filter make it, so records drop into pipelines built
   * for those: the line as read in {@code log}, the pod under {@code kubernetes} ({@code pod_name},
   * {@code namespace_name}, {@code pod_id}, {@code host}, {@code container_name}, {@code labels}),
   * parsed fields beside them (as the filter's {@code Merge_Log} does).
   */
  @JsonProperty("fluent-bit")
  FLUENT_BIT;

  /** A config written before the layout existed has none: the flat one. */
  public static RecordLayout orDefault(RecordLayout layout) {
    return layout == null ? OTEL : layout;
  }
}
