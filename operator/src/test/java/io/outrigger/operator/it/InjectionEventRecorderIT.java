package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.operator.reconciler.InjectionEventRecorder;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.admission.InjectionEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 item 2: the admission's Injected / InjectionSkipped events as the real API server stores
 * them: on the Deployment of a ReplicaSet's pods, aggregated into one event per owner and outcome
 * whose count follows the pods, across two operator replicas.
 */
class InjectionEventRecorderIT {
  private static final String NS = "op-events";
  private static KubernetesClient client;
  private static Deployment web;
  private static ReplicaSet webPods;
  private static ReplicaSet solo;

  @BeforeAll
  static void objects() {
    client = RealKubeApiServer.client();
    ApiServer.namespace(client, NS);
    // No controller-manager runs beside this API server: the objects are stored, never acted on.
    web =
        client
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .withNamespace(NS)
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", "web"))
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(Map.of("app", "web"))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("registry.local/web:1")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    webPods = client.resource(replicaSet("web-5d8f7c9b4", owner(web))).create();
    solo = client.resource(replicaSet("solo-7f9c", null)).create();
  }

  @AfterAll
  static void close() {
    // The namespace stays: without a controller-manager a deleted namespace never goes away.
    if (client != null) {
      client.close();
    }
  }

  @Test
  void podsOfOneOwnerAndOutcomeMakeOneEventOnTheDeploymentCountedAcrossReplicas() {
    InjectionEvent injected =
        new InjectionEvent(
            NS,
            owner(webPods),
            InjectionEvent.INJECTED,
            "outrigger sidecar injected from policy web");
    InjectionEvent skipped =
        new InjectionEvent(
            NS,
            owner(solo),
            InjectionEvent.SKIPPED,
            "no outrigger sidecar: host-network pods are not injected");
    try (InjectionEventRecorder one = recorder();
        InjectionEventRecorder two = recorder()) {
      for (int i = 0; i < 3; i++) {
        one.record(injected);
      }
      one.record(skipped);
      await().atMost(Duration.ofSeconds(20)).until(() -> count(web, "Injected") == 3);
      // Another replica admitting the next pod finds the event and counts on.
      two.record(injected);
      await().atMost(Duration.ofSeconds(20)).until(() -> count(web, "Injected") == 4);
      assertThat(one.dropped() + two.dropped()).isZero();
    }

    List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
    assertThat(events)
        .as("one event per owner and outcome")
        .extracting(e -> e.getInvolvedObject().getKind() + "/" + e.getReason())
        .containsExactlyInAnyOrder("Deployment/Injected", "ReplicaSet/InjectionSkipped");
    Event onDeployment = event(web, "Injected");
    assertThat(onDeployment.getType()).isEqualTo("Normal");
    assertThat(onDeployment.getInvolvedObject().getUid()).isEqualTo(web.getMetadata().getUid());
    assertThat(onDeployment.getMessage()).isEqualTo("outrigger sidecar injected from policy web");
    assertThat(onDeployment.getLastTimestamp())
        .isGreaterThanOrEqualTo(onDeployment.getFirstTimestamp());
    Event onReplicaSet = event(solo, "InjectionSkipped");
    assertThat(onReplicaSet.getCount()).isEqualTo(1);
    assertThat(onReplicaSet.getMessage()).contains("host-network");
  }

  private static InjectionEventRecorder recorder() {
    return new InjectionEventRecorder(client, Clock.systemUTC(), Duration.ofMillis(200));
  }

  private static int count(io.fabric8.kubernetes.api.model.HasMetadata owner, String reason) {
    Event event = event(owner, reason);
    return event == null || event.getCount() == null ? 0 : event.getCount();
  }

  private static Event event(io.fabric8.kubernetes.api.model.HasMetadata owner, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> owner.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .filter(e -> reason.equals(e.getReason()))
        .findFirst()
        .orElse(null);
  }

  private static OwnerReference owner(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind(object.getKind())
        .withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid())
        .withController(true)
        .build();
  }

  private static ReplicaSet replicaSet(String name, OwnerReference owner) {
    ReplicaSetBuilder builder =
        new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata();
    if (owner != null) {
      builder.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    return builder
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .withMatchLabels(Map.of("rs", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("rs", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/web:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
