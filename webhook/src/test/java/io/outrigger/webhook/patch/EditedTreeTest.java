package io.outrigger.webhook.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.InjectionFixtures;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.SidecarInjector;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edited tree must be exactly the mapper's rendering of the edited object (and so give exactly
 * the same patch), for every injection the fixtures make, for a pod as the API server sends it, and
 * for edits of every kind; and it must really share what did not change.
 */
class EditedTreeTest {

  private static final EditedTree TREES = new EditedTree(PodJson.MAPPER);

  /** A Deployment's pod as kube-apiserver 1.20 sent it to the webhook: defaults, managedFields. */
  static Pod deploymentPod() throws IOException {
    try (InputStream in =
        EditedTreeTest.class.getResourceAsStream("/admission/deployment-pod-review.json")) {
      return PodJson.fromTree(PodJson.MAPPER.readTree(in).at("/request/object"));
    }
  }

  static EffectivePolicy policy() {
    return PolicyResolver.resolve(
        Serialization.unmarshal(
            """
            apiVersion: outrigger.io/v1alpha1
            kind: ObservabilityPolicy
            metadata: {name: storefront, namespace: bench-large}
            spec:
              logs: {paths: [/var/log/app/*.log], outputs: {stdout: true}}
            """,
            ObservabilityPolicy.class));
  }

  static Stream<Arguments> injections() throws IOException {
    ClusterFacts classic =
        new ClusterFacts(1, 20, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system");
    ClusterFacts nativeSidecars =
        new ClusterFacts(1, 30, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system");
    Pod deployment = deploymentPod();
    Stream<Arguments> fixtures =
        InjectionFixtures.all()
            .filter(f -> !f.policies().isEmpty())
            .map(
                f ->
                    Arguments.of(
                        f.name(),
                        f.pod(),
                        SidecarInjector.inject(f.pod(), f.policies().get(0), f.facts())));
    return Stream.concat(
        fixtures,
        Stream.of(
            Arguments.of(
                "deployment pod, classic",
                deployment,
                SidecarInjector.inject(deployment, policy(), classic)),
            Arguments.of(
                "deployment pod, native",
                deployment,
                SidecarInjector.inject(deployment, policy(), nativeSidecars))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injections")
  void everyInjectionRendersAsTheMapperWouldAndGivesTheSamePatch(
      String name, Pod original, Pod injected) {
    JsonNode originalTree = PodJson.toTree(original);
    JsonNode whole = PodJson.toTree(injected);

    JsonNode edited = TREES.render(injected, original, originalTree);

    assertThat(edited).isEqualTo(whole);
    assertThat(JsonPatchDiff.diff(originalTree, edited))
        .as("the same operations in the same order")
        .isEqualTo(JsonPatchDiff.diff(originalTree, whole));
  }

  @Test
  void whatTheInjectionLeftAloneIsTheOriginalsNodes() throws IOException {
    Pod original = deploymentPod();
    Pod injected =
        SidecarInjector.inject(
            original,
            policy(),
            new ClusterFacts(
                1, 20, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system"));
    JsonNode originalTree = PodJson.toTree(original);

    JsonNode edited = TREES.render(injected, original, originalTree);

    assertThat(edited.at("/spec/affinity")).isSameAs(originalTree.at("/spec/affinity"));
    assertThat(edited.at("/metadata/managedFields"))
        .isSameAs(originalTree.at("/metadata/managedFields"));
    JsonNode web = containerNamed(edited, "web");
    JsonNode originalWeb = containerNamed(originalTree, "web");
    assertThat(web).as("the app container gained a mount").isNotSameAs(originalWeb);
    assertThat(web.get("env")).isSameAs(originalWeb.get("env"));
    assertThat(web.get("image")).isSameAs(originalWeb.get("image"));
  }

  private static JsonNode containerNamed(JsonNode pod, String name) {
    for (JsonNode container : pod.at("/spec/containers")) {
      if (name.equals(container.path("name").asText())) {
        return container;
      }
    }
    throw new AssertionError("no container " + name);
  }

  static Pod smallPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName("app")
        .withImage("shop/web:1")
        .withArgs("--port", "8080")
        .withWorkingDir("/srv")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .withNewResources()
        .addToLimits("cpu", new Quantity("1"))
        .endResources()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withPort(new IntOrString(8080))
        .endHttpGet()
        .endReadinessProbe()
        .endContainer()
        .addNewContainer()
        .withName("cache")
        .withImage("redis:7")
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  private static Container app(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  static Stream<Arguments> edits() {
    return Stream.of(
        edit("nothing", pod -> {}),
        edit("a field set to null", pod -> pod.getSpec().setNodeName(null)),
        edit("a field set where there was none", pod -> pod.getSpec().setHostname("h")),
        edit("a list emptied", pod -> app(pod).setArgs(List.of())),
        edit("a list set to null", pod -> app(pod).setArgs(null)),
        edit("a string emptied", pod -> app(pod).setWorkingDir("")),
        edit("a map entry added", pod -> pod.getMetadata().getLabels().put("tier", "front")),
        edit("a map emptied", pod -> pod.getMetadata().setLabels(Map.of())),
        edit("an extra property added", pod -> app(pod).setAdditionalProperty("future", 1)),
        edit(
            "a quantity changed",
            pod -> app(pod).getResources().setLimits(Map.of("cpu", new Quantity("2")))),
        edit(
            "an int-or-string port changed to a name",
            pod -> app(pod).getReadinessProbe().getHttpGet().setPort(new IntOrString("http"))),
        edit(
            "a container prepended",
            pod -> {
              List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
              containers.add(0, new ContainerBuilder().withName("side").withImage("s:1").build());
              pod.getSpec().setContainers(containers);
            }),
        edit(
            "a container removed",
            pod -> pod.getSpec().setContainers(List.of(pod.getSpec().getContainers().get(1)))),
        edit(
            "containers swapped",
            pod ->
                pod.getSpec()
                    .setContainers(List.of(pod.getSpec().getContainers().get(1), app(pod)))),
        edit("a container renamed", pod -> app(pod).setName("renamed")),
        edit(
            "a volume added",
            pod ->
                pod.getSpec()
                    .setVolumes(
                        List.of(
                            pod.getSpec().getVolumes().get(0),
                            new VolumeBuilder()
                                .withName("logs")
                                .withNewEmptyDir()
                                .endEmptyDir()
                                .build()))),
        edit(
            "the spec replaced by an empty one",
            pod -> pod.setSpec(new PodBuilder().withNewSpec().endSpec().build().getSpec())),
        edit("the metadata dropped", pod -> pod.setMetadata(null)));
  }

  private static Arguments edit(String name, Consumer<Pod> change) {
    return Arguments.of(name, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  void everyKindOfEditRendersAsTheMapperWould(String name, Consumer<Pod> change) {
    Pod original = smallPod();
    Pod edited = PodJson.copy(original);
    change.accept(edited);
    JsonNode originalTree = PodJson.toTree(original);

    assertThat(TREES.render(edited, original, originalTree)).isEqualTo(PodJson.toTree(edited));
    assertThat(PodJson.toTree(original)).as("the original is untouched").isEqualTo(originalTree);
  }

  @Test
  void anEqualQuantityInAnotherNotationKeepsTheOriginalsWriting() {
    Pod original = smallPod();
    Pod edited = PodJson.copy(original);
    app(edited).getResources().setLimits(Map.of("cpu", new Quantity("1000m")));
    assertThat(app(edited)).as("the model calls them equal").isEqualTo(app(original));

    JsonNode tree = TREES.render(edited, original, PodJson.toTree(original));

    assertThat(tree.at("/spec/containers/0/resources/limits/cpu").asText()).isEqualTo("1");
  }
}
