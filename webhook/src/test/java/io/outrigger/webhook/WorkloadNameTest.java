package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadNameTest {
  private static Pod ownedBy(
      String kind, String name, Boolean controller, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .addNewOwnerReference()
        .withKind(kind)
        .withName(name)
        .withController(controller)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  @Test
  void aDeploymentsPodIsNamedAfterTheDeploymentNotItsReplicaSet() {
    assertThat(
            WorkloadName.of(
                ownedBy(
                    "ReplicaSet",
                    "demo-app-6c9f45b9b8",
                    true,
                    Map.of("pod-template-hash", "6c9f45b9b8"))))
        .isEqualTo("demo-app");
  }

  @Test
  void aReplicaSetOfItsOwnKeepsItsName() {
    assertThat(WorkloadName.of(ownedBy("ReplicaSet", "frontend", true, Map.of())))
        .isEqualTo("frontend");
    assertThat(
            WorkloadName.of(
                ownedBy("ReplicaSet", "frontend", true, Map.of("pod-template-hash", "other"))))
        .isEqualTo("frontend");
  }

  @Test
  void otherControllersAreTheWorkload() {
    assertThat(WorkloadName.of(ownedBy("StatefulSet", "db", true, Map.of()))).isEqualTo("db");
    assertThat(WorkloadName.of(ownedBy("DaemonSet", "agent", true, Map.of()))).isEqualTo("agent");
    assertThat(WorkloadName.of(ownedBy("Job", "migrate-27", true, Map.of())))
        .isEqualTo("migrate-27");
  }

  @Test
  void aBarePodOrAnOwnerThatIsNotItsControllerHasNone() {
    assertThat(
            WorkloadName.of(new PodBuilder().withNewMetadata().withName("p").endMetadata().build()))
        .isNull();
    assertThat(WorkloadName.of(ownedBy("ConfigMap", "x", null, Map.of()))).isNull();
  }

  @Test
  void theKindOfADeploymentsPodIsDeploymentAndOfAReplicaSetOfItsOwnReplicaSet() {
    assertThat(
            WorkloadName.kind(
                ownedBy(
                    "ReplicaSet",
                    "demo-app-6c9f45b9b8",
                    true,
                    Map.of("pod-template-hash", "6c9f45b9b8"))))
        .isEqualTo("Deployment");
    assertThat(WorkloadName.kind(ownedBy("ReplicaSet", "frontend", true, Map.of())))
        .isEqualTo("ReplicaSet");
  }

  @Test
  void theKindOfOtherControllersIsTheirOwn() {
    assertThat(WorkloadName.kind(ownedBy("StatefulSet", "db", true, Map.of())))
        .isEqualTo("StatefulSet");
    assertThat(WorkloadName.kind(ownedBy("DaemonSet", "agent", true, Map.of())))
        .isEqualTo("DaemonSet");
    assertThat(WorkloadName.kind(ownedBy("Job", "migrate-27", true, Map.of()))).isEqualTo("Job");
  }

  @Test
  void aBarePodOrAnOwnerThatIsNotItsControllerHasNoKind() {
    assertThat(
            WorkloadName.kind(
                new PodBuilder().withNewMetadata().withName("p").endMetadata().build()))
        .isNull();
    assertThat(WorkloadName.kind(ownedBy("ConfigMap", "x", null, Map.of()))).isNull();
  }
}
