package io.outrigger.webhook.it;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import java.util.Map;

/** Pods and policies the real-server tests create. */
final class Pods {
  private Pods() {}

  /** One container, no probes: the smallest pod the API server accepts. */
  static Pod plain(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /** A web app: a named port, an HTTP readiness probe and a TCP liveness probe. */
  static Pod web(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .addToAnnotations("prometheus.io/port", "9100")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/web:1")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString(8080))
        .endTcpSocket()
        .endLivenessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  static ObservabilityPolicy policy(String namespace, String name, ObservabilityPolicySpec spec) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    policy.setSpec(spec);
    return policy;
  }
}
