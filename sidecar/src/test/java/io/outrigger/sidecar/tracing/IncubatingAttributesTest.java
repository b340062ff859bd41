package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.K8sIncubatingAttributes;
import io.opentelemetry.semconv.incubating.ServiceIncubatingAttributes;
import org.junit.jupiter.api.Test;

/** The copied incubating keys are the incubating artifact's, of the same conventions version. */
class IncubatingAttributesTest {

  @Test
  void everyCopiedKeyIsTheIncubatingArtifactsKey() {
    assertThat(IncubatingAttributes.SERVICE_NAMESPACE)
        .isEqualTo(ServiceIncubatingAttributes.SERVICE_NAMESPACE);
    assertThat(IncubatingAttributes.SERVICE_INSTANCE_ID)
        .isEqualTo(ServiceIncubatingAttributes.SERVICE_INSTANCE_ID);
    assertThat(IncubatingAttributes.K8S_NAMESPACE_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_NAMESPACE_NAME);
    assertThat(IncubatingAttributes.K8S_POD_NAME).isEqualTo(K8sIncubatingAttributes.K8S_POD_NAME);
    assertThat(IncubatingAttributes.K8S_POD_UID).isEqualTo(K8sIncubatingAttributes.K8S_POD_UID);
    assertThat(IncubatingAttributes.K8S_NODE_NAME).isEqualTo(K8sIncubatingAttributes.K8S_NODE_NAME);
    assertThat(IncubatingAttributes.K8S_CONTAINER_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_CONTAINER_NAME);
    assertThat(IncubatingAttributes.K8S_DEPLOYMENT_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_DEPLOYMENT_NAME);
    assertThat(IncubatingAttributes.K8S_REPLICASET_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_REPLICASET_NAME);
    assertThat(IncubatingAttributes.K8S_STATEFULSET_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_STATEFULSET_NAME);
    assertThat(IncubatingAttributes.K8S_DAEMONSET_NAME)
        .isEqualTo(K8sIncubatingAttributes.K8S_DAEMONSET_NAME);
    assertThat(IncubatingAttributes.K8S_JOB_NAME).isEqualTo(K8sIncubatingAttributes.K8S_JOB_NAME);
  }
}
