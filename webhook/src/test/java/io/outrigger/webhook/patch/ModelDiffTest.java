package io.outrigger.webhook.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model diff must give exactly the operations the tree diff gives for both objects' renderings,
 * in the same order: for every injection the fixtures make, for a pod as the API server sends it,
 * and for edits of every kind; and the pod's own classes must be walked, not rendered whole.
 */
class ModelDiffTest {

  private static final ModelDiff MODEL_DIFF = new ModelDiff(PodJson.MAPPER);

  /** A Deployment's pod as kube-apiserver 1.20 sent it to the webhook: defaults, managedFields. */
  static Pod deploymentPod() throws IOException {
    try (InputStream in =
        ModelDiffTest.class.getResourceAsStream("/admission/deployment-pod-review.json")) {
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
        new ClusterFacts(1, 30, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system")
            .withKubelets(InjectionFixtures.CURRENT_NODES);
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

  /** What the tree diff says, rendering both objects whole. */
  private static ArrayNode treeDiff(Pod original, Pod edited) {
    return JsonPatchDiff.diff(PodJson.toTree(original), PodJson.toTree(edited));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injections")
  void everyInjectionGivesTheTreeDiffsOperationsInItsOrder(
      String name, Pod original, Pod injected) {
    assertThat(MODEL_DIFF.diff(original, injected)).isEqualTo(treeDiff(original, injected));
  }

  @ParameterizedTest
  @ValueSource(
      classes = {
        Pod.class,
        ObjectMeta.class,
        PodSpec.class,
        Container.class,
        Probe.class,
        VolumeMount.class,
        Volume.class
      })
  void thePodsOwnClassesAreWalkedNotRenderedWhole(Class<?> type) {
    assertThat(new BeanShapes(PodJson.MAPPER).of(type)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(classes = {Quantity.class, IntOrString.class, String.class, Map.class})
  void valuesWithTheirOwnWritingAreRenderedWhole(Class<?> type) {
    assertThat(new BeanShapes(PodJson.MAPPER).of(type)).isEmpty();
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
  void everyKindOfEditGivesTheTreeDiffsOperations(String name, Consumer<Pod> change) {
    Pod original = smallPod();
    Pod edited = PodJson.copy(original);
    change.accept(edited);

    assertThat(MODEL_DIFF.diff(original, edited)).isEqualTo(treeDiff(original, edited));
  }

  /**
   * Random edits of every fixture pod: the kinds above, composed, at random places. Seeded, so a
   * failure names its case. The model diff must still equal the tree diff, and the patch must turn
   * the original into the edited pod.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void randomEditsOfEveryFixtureGiveTheTreeDiffsOperations(int seed) throws IOException {
    Random random = new Random(seed);
    for (InjectionFixtures fixture : InjectionFixtures.all().toList()) {
      Pod original = fixture.pod();
      for (int round = 0; round < 10; round++) {
        Pod edited = PodJson.copy(original);
        List<String> made = new ArrayList<>();
        for (int edit = 1 + random.nextInt(4); edit > 0; edit--) {
          made.add(randomEdit(edited, random));
        }
        ArrayNode patch = MODEL_DIFF.diff(original, edited);
        assertThat(patch).as("%s, edits %s", fixture, made).isEqualTo(treeDiff(original, edited));
        assertThat(JsonPatch.apply(patch, PodJson.toTree(original)))
            .as("%s, edits %s", fixture, made)
            .isEqualTo(PodJson.toTree(edited));
      }
    }
  }

  private static <T> List<T> mutable(List<T> list) {
    return list == null ? new ArrayList<>() : new ArrayList<>(list);
  }

  /** One random edit in place; its name, for the failure message. */
  private static String randomEdit(Pod pod, Random random) {
    PodSpec spec = pod.getSpec();
    List<Container> containers = new ArrayList<>(spec.getContainers());
    Container container = containers.get(random.nextInt(containers.size()));
    switch (random.nextInt(14)) {
      case 0 -> {
        List<EnvVar> env = mutable(container.getEnv());
        env.add(random.nextInt(env.size() + 1), new EnvVar("E" + random.nextInt(5), "v", null));
        container.setEnv(env);
        return "env added to " + container.getName();
      }
      case 1 -> {
        container.setEnv(mutable(container.getEnv()).isEmpty() ? null : List.of());
        return "env cleared in " + container.getName();
      }
      case 2 -> {
        container.setImage("image:" + random.nextInt(3));
        return "image of " + container.getName();
      }
      case 3 -> {
        List<VolumeMount> mounts = mutable(container.getVolumeMounts());
        mounts.add(
            random.nextInt(mounts.size() + 1),
            new VolumeMountBuilder().withName("m" + random.nextInt(3)).withMountPath("/m").build());
        container.setVolumeMounts(mounts);
        return "mount added to " + container.getName();
      }
      case 4 -> {
        container.setReadinessProbe(
            container.getReadinessProbe() == null
                ? new ProbeBuilder()
                    .withNewTcpSocket()
                    .withPort(new IntOrString(random.nextInt(3) + 80))
                    .endTcpSocket()
                    .build()
                : null);
        return "readiness probe toggled in " + container.getName();
      }
      case 5 -> {
        container.setName(container.getName() + "-x");
        return "renamed " + container.getName();
      }
      case 6 -> {
        containers.add(
            random.nextInt(containers.size() + 1),
            new ContainerBuilder().withName("new" + random.nextInt(3)).withImage("n:1").build());
        spec.setContainers(containers);
        return "container inserted";
      }
      case 7 -> {
        if (containers.size() > 1) {
          containers.remove(container);
          spec.setContainers(containers);
        }
        return "container removed";
      }
      case 8 -> {
        Collections.shuffle(containers, random);
        spec.setContainers(containers);
        return "containers shuffled";
      }
      case 9 -> {
        List<Volume> volumes = mutable(spec.getVolumes());
        if (!volumes.isEmpty() && random.nextBoolean()) {
          volumes.remove(random.nextInt(volumes.size()));
        } else {
          volumes.add(
              new VolumeBuilder()
                  .withName("v" + random.nextInt(3))
                  .withNewEmptyDir()
                  .endEmptyDir()
                  .build());
        }
        spec.setVolumes(volumes);
        return "volumes changed";
      }
      case 10 -> {
        Map<String, String> labels =
            new LinkedHashMap<>(
                pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels());
        if (!labels.isEmpty() && random.nextBoolean()) {
          labels.remove(labels.keySet().iterator().next());
        } else {
          labels.put("k" + random.nextInt(3) + "/x~y", "v");
        }
        pod.getMetadata().setLabels(labels.isEmpty() && random.nextBoolean() ? null : labels);
        return "labels changed";
      }
      case 11 -> {
        spec.setNodeName(spec.getNodeName() == null ? "node-" + random.nextInt(3) : null);
        return "node name toggled";
      }
      case 12 -> {
        container.setResources(
            new ResourceRequirementsBuilder()
                .addToLimits("cpu", new Quantity(random.nextInt(4) + 1 + "00m"))
                .build());
        return "resources of " + container.getName();
      }
      default -> {
        container.setAdditionalProperty("future" + random.nextInt(2), random.nextInt(3));
        return "extra property on " + container.getName();
      }
    }
  }

  @Test
  void anEqualQuantityInAnotherNotationIsNothingToChange() {
    Pod original = smallPod();
    Pod edited = PodJson.copy(original);
    app(edited).getResources().setLimits(Map.of("cpu", new Quantity("1000m")));
    assertThat(app(edited)).as("the model calls them equal").isEqualTo(app(original));

    assertThat(MODEL_DIFF.diff(original, edited)).isEmpty();
  }
}
