package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InjectionDecisionTest {

  private static final Set<String> EXCLUDED = InjectionFixtures.DEFAULT_FACTS.excludedNamespaces();
  private static final Map<String, String> ENABLED = Map.of("outrigger.io/injection", "enabled");
  private static final Map<String, String> DISABLED = Map.of("outrigger.io/injection", "disabled");
  private static final Map<String, String> OPT_IN = Map.of("outrigger.io/inject", "true");
  private static final Map<String, String> OPT_OUT = Map.of("outrigger.io/inject", "false");

  static Pod pod(Map<String, String> labels, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app:1")
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .endSpec()
        .build();
  }

  static Stream<Arguments> cases() {
    Pod hostNetwork = pod(OPT_IN, Map.of());
    hostNetwork.getSpec().setHostNetwork(true);
    Pod withSidecar = pod(Map.of(), Map.of());
    withSidecar
        .getSpec()
        .getContainers()
        .add(new ContainerBuilder().withName("outrigger-sidecar").build());
    Pod reservedPort = pod(OPT_IN, Map.of());
    reservedPort.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(15001);
    return Stream.of(
        arguments(
            "pod label true",
            pod(OPT_IN, Map.of()),
            "shop",
            Map.of(),
            null,
            true,
            true,
            "opted in by the pod"),
        arguments(
            "pod annotation true",
            pod(Map.of(), OPT_IN),
            "shop",
            Map.of(),
            null,
            true,
            true,
            "opted in by the pod"),
        arguments(
            "pod label TRUE in capitals",
            pod(Map.of("outrigger.io/inject", "TRUE"), Map.of()),
            "shop",
            Map.of(),
            null,
            true,
            true,
            "by the pod"),
        arguments(
            "namespace enabled, pod silent",
            pod(Map.of(), Map.of()),
            "shop",
            ENABLED,
            null,
            true,
            true,
            "opted in by namespace shop"),
        arguments(
            "namespace enabled, pod label false",
            pod(OPT_OUT, Map.of()),
            "shop",
            ENABLED,
            null,
            false,
            false,
            "pod opted out"),
        arguments(
            "namespace enabled, pod annotation false",
            pod(Map.of(), OPT_OUT),
            "shop",
            ENABLED,
            null,
            false,
            false,
            "pod opted out"),
        arguments(
            "label beats annotation",
            pod(OPT_IN, OPT_OUT),
            "shop",
            Map.of(),
            null,
            true,
            true,
            "by the pod"),
        arguments(
            "namespace disabled, pod label true",
            pod(OPT_IN, Map.of()),
            "shop",
            DISABLED,
            null,
            true,
            true,
            "by the pod"),
        arguments(
            "namespace disabled, pod silent",
            pod(Map.of(), Map.of()),
            "shop",
            DISABLED,
            null,
            false,
            false,
            "namespace shop opted out"),
        arguments(
            "nothing said",
            pod(Map.of(), Map.of()),
            "shop",
            Map.of(),
            null,
            false,
            false,
            "not opted in"),
        arguments(
            "unknown word falls through to the namespace",
            pod(Map.of("outrigger.io/inject", "yes"), Map.of()),
            "shop",
            ENABLED,
            null,
            true,
            true,
            "namespace shop"),
        arguments(
            "unknown namespace word is not an opt-in",
            pod(Map.of(), Map.of()),
            "shop",
            Map.of("outrigger.io/injection", "on"),
            null,
            false,
            false,
            "not opted in"),
        arguments(
            "kube-system even when opted in",
            pod(OPT_IN, Map.of()),
            "kube-system",
            ENABLED,
            null,
            false,
            false,
            "never injected"),
        arguments(
            "kube-public",
            pod(OPT_IN, Map.of()),
            "kube-public",
            Map.of(),
            null,
            false,
            false,
            "never injected"),
        arguments(
            "operator namespace",
            pod(OPT_IN, Map.of()),
            "outrigger-system",
            Map.of(),
            null,
            false,
            false,
            "never injected"),
        arguments(
            "already injected label",
            pod(Map.of("outrigger.io/inject", "true", "outrigger.io/injected", "true"), Map.of()),
            "shop",
            Map.of(),
            null,
            false,
            false,
            "already injected (label"),
        arguments(
            "sidecar container present",
            withSidecar,
            "shop",
            ENABLED,
            null,
            false,
            false,
            "already injected (container"),
        arguments(
            "host network, opted in",
            hostNetwork,
            "shop",
            Map.of(),
            null,
            false,
            true,
            "host-network"),
        arguments(
            "app on a sidecar port",
            reservedPort,
            "shop",
            Map.of(),
            null,
            false,
            true,
            "port 15001"),
        arguments(
            "names this policy",
            pod(OPT_IN, Map.of("outrigger.io/policy", "a")),
            "shop",
            Map.of(),
            "a",
            true,
            true,
            "by the pod"),
        arguments(
            "names another policy",
            pod(OPT_IN, Map.of("outrigger.io/policy", "b")),
            "shop",
            Map.of(),
            "a",
            false,
            false,
            "names policy b, not a"),
        arguments(
            "names no policy, asked for one",
            pod(OPT_IN, Map.of()),
            "shop",
            Map.of(),
            "a",
            true,
            true,
            "by the pod"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(
      String name,
      Pod pod,
      String namespace,
      Map<String, String> namespaceLabels,
      String forPolicy,
      boolean inject,
      boolean optedIn,
      String reason) {
    InjectionDecision decision =
        InjectionDecision.decide(pod, namespace, namespaceLabels, EXCLUDED, forPolicy);
    assertThat(decision.inject()).as("inject").isEqualTo(inject);
    assertThat(decision.optedIn()).as("opted in").isEqualTo(optedIn);
    assertThat(decision.reason()).contains(reason);
  }

  @Test
  void aPodWithoutMetadataOrSpecIsNotOptedIn() {
    InjectionDecision decision = InjectionDecision.decide(new Pod(), "shop", null, EXCLUDED);
    assertThat(decision.inject()).isFalse();
    assertThat(decision.reason()).contains("not opted in");
  }
}
