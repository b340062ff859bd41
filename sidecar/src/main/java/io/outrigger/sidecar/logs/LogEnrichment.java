package io.outrigger.sidecar.logs;

import io.outrigger.config.RecordLayout;
import io.outrigger.sidecar.PodIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes every record of this pod gets, in the policy's {@link RecordLayout}: named as in
 * the OpenTelemetry semantic conventions ({@code k8s.pod.name}, {@code k8s.namespace.name}, {@code
 * k8s.node.name}, {@code k8s.container.name}, {@code k8s.pod.label.<name>} for the pod labels the
 * policy lists), or as Fluent Bit's Kubernetes filter nests them under {@code kubernetes}.
 *
 * @param layout the layout the attributes are in; the line processor lays out the rest to match
 */
public record LogEnrichment(Map<String, Object> podAttributes, RecordLayout layout) {

  /** The key of the line as read in the Fluent Bit layout. */
  public static final String FLUENT_BIT_LOG = "log";

  /** The key of the pod's metadata in the Fluent Bit layout. */
  public static final String FLUENT_BIT_KUBERNETES = "kubernetes";

  public LogEnrichment {
    podAttributes = Map.copyOf(podAttributes);
  }

  public LogEnrichment(Map<String, Object> podAttributes) {
    this(podAttributes, RecordLayout.OTEL);
  }

  public static LogEnrichment of(PodIdentity pod, String container, List<String> podLabels) {
    return of(pod, container, podLabels, RecordLayout.OTEL);
  }

  public static LogEnrichment of(
      PodIdentity pod, String container, List<String> podLabels, RecordLayout layout) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String label : podLabels) {
      String value = pod.labels().get(label);
      if (value != null) {
        labels.put(label, value);
      }
    }
    boolean uid = pod.podUid() != null && !pod.podUid().isEmpty();
    Map<String, Object> attributes = new LinkedHashMap<>();
    if (RecordLayout.orDefault(layout) == RecordLayout.FLUENT_BIT) {
      Map<String, Object> kubernetes = new LinkedHashMap<>();
      kubernetes.put("pod_name", pod.podName());
      kubernetes.put("namespace_name", pod.namespace());
      if (uid) {
        kubernetes.put("pod_id", pod.podUid());
      }
      kubernetes.put("host", pod.nodeName());
      kubernetes.put("container_name", container);
      if (!labels.isEmpty()) {
        kubernetes.put("labels", Map.copyOf(labels));
      }
      attributes.put(FLUENT_BIT_KUBERNETES, kubernetes);
      return new LogEnrichment(attributes, RecordLayout.FLUENT_BIT);
    }
    attributes.put("k8s.pod.name", pod.podName());
    attributes.put("k8s.namespace.name", pod.namespace());
    attributes.put("k8s.node.name", pod.nodeName());
    if (uid) {
      attributes.put("k8s.pod.uid", pod.podUid());
    }
    attributes.put("k8s.container.name", container);
    labels.forEach((label, value) -> attributes.put("k8s.pod.label." + label, value));
    return new LogEnrichment(attributes, RecordLayout.OTEL);
  }
}
