package io.outrigger.sidecar.logs;

import io.outrigger.sidecar.PodIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes every record of this pod gets, named as in the OpenTelemetry semantic conventions
 * ({@code k8s.pod.name}, {@code k8s.namespace.name}, {@code k8s.node.name}, {@code
 * k8s.container.name}, {@code k8s.pod.label.<name>} for the pod labels the policy lists).
 */
public record LogEnrichment(Map<String, Object> podAttributes) {

  public LogEnrichment {
    podAttributes = Map.copyOf(podAttributes);
  }

  public static LogEnrichment of(PodIdentity pod, String container, List<String> podLabels) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("k8s.pod.name", pod.podName());
    attributes.put("k8s.namespace.name", pod.namespace());
    attributes.put("k8s.node.name", pod.nodeName());
    if (pod.podUid() != null && !pod.podUid().isEmpty()) {
      attributes.put("k8s.pod.uid", pod.podUid());
    }
    attributes.put("k8s.container.name", container);
    for (String label : podLabels) {
      String value = pod.labels().get(label);
      if (value != null) {
        attributes.put("k8s.pod.label." + label, value);
      }
    }
    return new LogEnrichment(attributes);
  }
}
