package io.outrigger.sidecar.tracing;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The resource attribute keys the sidecar uses that the semantic conventions have not made stable
 * yet ({@code service.namespace}, {@code service.instance.id}, {@code k8s.*}). The semconv-java
 * project asks users to copy such keys rather than depend on its incubating artifact at run time,
 * whose classes may change between versions; {@code IncubatingAttributesTest} holds each copy to
 * that artifact.
 */
public final class IncubatingAttributes {
  private IncubatingAttributes() {}

  public static final AttributeKey<String> SERVICE_NAMESPACE = stringKey("service.namespace");
  public static final AttributeKey<String> SERVICE_INSTANCE_ID = stringKey("service.instance.id");

  public static final AttributeKey<String> K8S_NAMESPACE_NAME = stringKey("k8s.namespace.name");
  public static final AttributeKey<String> K8S_POD_NAME = stringKey("k8s.pod.name");
  public static final AttributeKey<String> K8S_POD_UID = stringKey("k8s.pod.uid");
  public static final AttributeKey<String> K8S_NODE_NAME = stringKey("k8s.node.name");
  public static final AttributeKey<String> K8S_CONTAINER_NAME = stringKey("k8s.container.name");
  public static final AttributeKey<String> K8S_DEPLOYMENT_NAME = stringKey("k8s.deployment.name");
  public static final AttributeKey<String> K8S_REPLICASET_NAME = stringKey("k8s.replicaset.name");
  public static final AttributeKey<String> K8S_STATEFULSET_NAME = stringKey("k8s.statefulset.name");
  public static final AttributeKey<String> K8S_DAEMONSET_NAME = stringKey("k8s.daemonset.name");
  public static final AttributeKey<String> K8S_JOB_NAME = stringKey("k8s.job.name");
}
