package io.outrigger.sidecar.tracing;

import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_CONTAINER_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_DAEMONSET_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_DEPLOYMENT_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_JOB_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_NAMESPACE_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_NODE_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_POD_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_POD_UID;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_REPLICASET_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.K8S_STATEFULSET_NAME;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.SERVICE_INSTANCE_ID;
import static io.outrigger.sidecar.tracing.IncubatingAttributes.SERVICE_NAMESPACE;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.SchemaUrls;
import io.opentelemetry.semconv.ServiceAttributes;
import io.outrigger.config.SidecarConfig.TracingConfig;
import io.outrigger.sidecar.PodIdentity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The pod's OpenTelemetry resource, shared by spans and OTLP metrics, as the OpenTelemetry
 * Kubernetes conventions compute it ("Populating resource attributes in Kubernetes"): {@code k8s.*}
 * ids of the pod, its workload and its app container; every {@code resource.opentelemetry.io/<key>}
 * pod annotation as {@code <key>}; {@code service.*} by each attribute's order of sources. The
 * policy's explicit {@code serviceName} and {@code resourceAttributes} win over all of it.
 */
public final class PodResource {
  /** The pod annotations that name resource attributes: {@code resource.opentelemetry.io/<key>}. */
  public static final String ANNOTATION_PREFIX = "resource.opentelemetry.io/";

  static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  static final String NAME_LABEL = "app.kubernetes.io/name";
  static final String VERSION_LABEL = "app.kubernetes.io/version";

  /** The ReplicaSet a Deployment made is named after it and its pods' template hash. */
  static final String TEMPLATE_HASH_LABEL = "pod-template-hash";

  private PodResource() {}

  /** The resource of spans and OTLP metrics, on top of the SDK's telemetry.sdk.* attributes. */
  public static Resource of(TracingConfig config, PodIdentity pod) {
    return Resource.getDefault()
        .merge(Resource.create(attributes(config, pod).build(), SchemaUrls.V1_39_0));
  }

  static AttributesBuilder attributes(TracingConfig config, PodIdentity pod) {
    Map<AttributeKey<String>, String> k8s = kubernetes(pod);
    Map<String, String> annotated = annotated(pod.annotations());
    AttributesBuilder attributes = Attributes.builder();
    k8s.forEach(attributes::put);
    annotated.forEach(attributes::put);
    attributes.put(
        ServiceAttributes.SERVICE_NAME,
        firstPresent(
            config.serviceName(),
            annotated.get(ServiceAttributes.SERVICE_NAME.getKey()),
            config.wellKnownLabels() ? pod.labels().get(INSTANCE_LABEL) : null,
            config.wellKnownLabels() ? pod.labels().get(NAME_LABEL) : null,
            k8s.get(K8S_DEPLOYMENT_NAME),
            k8s.get(K8S_REPLICASET_NAME),
            k8s.get(K8S_STATEFULSET_NAME),
            k8s.get(K8S_DAEMONSET_NAME),
            k8s.get(K8S_JOB_NAME),
            // A controller of a kind no convention names (or a webhook that gave no kind): its
            // name is still the workload's.
            pod.workload().equals(pod.podName()) ? null : pod.workload(),
            pod.podName(),
            pod.appContainer()));
    attributes.put(
        SERVICE_NAMESPACE,
        firstPresent(annotated.get(SERVICE_NAMESPACE.getKey()), pod.namespace()));
    String version =
        firstPresent(
            annotated.get(ServiceAttributes.SERVICE_VERSION.getKey()),
            config.wellKnownLabels() ? pod.labels().get(VERSION_LABEL) : null);
    if (version != null) {
      attributes.put(ServiceAttributes.SERVICE_VERSION, version);
    }
    attributes.put(
        SERVICE_INSTANCE_ID,
        firstPresent(annotated.get(SERVICE_INSTANCE_ID.getKey()), instanceId(pod)));
    config.resourceAttributes().forEach(attributes::put);
    return attributes;
  }

  /**
   * The {@code k8s.*} ids. The workload's attribute follows its kind; a Deployment's pods also get
   * their ReplicaSet, named by the Deployment controller as {@code
   * <deployment>-<pod-template-hash>}.
   */
  static Map<AttributeKey<String>, String> kubernetes(PodIdentity pod) {
    Map<AttributeKey<String>, String> k8s = new LinkedHashMap<>();
    k8s.put(K8S_NAMESPACE_NAME, pod.namespace());
    k8s.put(K8S_POD_NAME, pod.podName());
    if (!pod.podUid().isEmpty()) {
      k8s.put(K8S_POD_UID, pod.podUid());
    }
    k8s.put(K8S_NODE_NAME, pod.nodeName());
    if (pod.appContainer() != null) {
      k8s.put(K8S_CONTAINER_NAME, pod.appContainer());
    }
    String kind = pod.workloadKind();
    if (kind == null) {
      return k8s;
    }
    switch (kind) {
      case "Deployment" -> {
        k8s.put(K8S_DEPLOYMENT_NAME, pod.workload());
        String hash = pod.labels().get(TEMPLATE_HASH_LABEL);
        if (hash != null && !hash.isEmpty()) {
          k8s.put(K8S_REPLICASET_NAME, pod.workload() + "-" + hash);
        }
      }
      case "ReplicaSet" -> k8s.put(K8S_REPLICASET_NAME, pod.workload());
      case "StatefulSet" -> k8s.put(K8S_STATEFULSET_NAME, pod.workload());
      case "DaemonSet" -> k8s.put(K8S_DAEMONSET_NAME, pod.workload());
      case "Job" -> k8s.put(K8S_JOB_NAME, pod.workload());
      default -> {
        // No convention names the workloads of other controllers.
      }
    }
    return k8s;
  }

  /**
   * {@code <namespace>.<pod>.<container>}, without a container nobody named: unique per app
   * container, and stable across its restarts (the conventions leave the restart count out so a
   * crash loop keeps one id).
   */
  static String instanceId(PodIdentity pod) {
    String id = pod.namespace() + "." + pod.podName();
    return pod.appContainer() == null ? id : id + "." + pod.appContainer();
  }

  /**
   * {@code resource.opentelemetry.io/<key>} annotations as {@code <key>}, empty values left out.
   */
  static Map<String, String> annotated(Map<String, String> annotations) {
    Map<String, String> attributes = new LinkedHashMap<>();
    annotations.forEach(
        (name, value) -> {
          if (name.startsWith(ANNOTATION_PREFIX)
              && name.length() > ANNOTATION_PREFIX.length()
              && value != null
              && !value.isEmpty()) {
            attributes.put(name.substring(ANNOTATION_PREFIX.length()), value);
          }
        });
    return attributes;
  }

  private static String firstPresent(String... candidates) {
    return Stream.of(candidates)
        .filter(Objects::nonNull)
        .filter(s -> !s.isEmpty())
        .findFirst()
        .orElse(null);
  }
}
