package io.outrigger.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.SidecarConfig;
import io.outrigger.operator.status.PodCounts;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.InjectionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodCensusTest {
  private static final String NS = "shop";
  private static final String VERSION = "1.0.0";
  private static final String HASH = "h-now";

  private static EffectivePolicy policy(String name, int priority, String app) {
    LabelSelector selector =
        app == null ? null : new LabelSelectorBuilder().addToMatchLabels("app", app).build();
    return new EffectivePolicy(
        NS, name, priority, Instant.EPOCH, selector, null, SidecarConfig.defaults());
  }

  private static final EffectivePolicy WEB = policy("web", 0, "web");
  private static final EffectivePolicy GOLD = policy("gold", 10, "web");

  private static PodBuilder pod(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .endContainer()
        .endSpec();
  }

  private static Pod optedIn(String name) {
    return pod(name, Map.of("app", "web", Names.INJECT, "true")).build();
  }

  private static Pod injected(
      String name, String policy, String hash, String version, boolean ready) {
    PodBuilder builder =
        pod(name, Map.of("app", "web", Names.INJECTED, "true"))
            .editMetadata()
            .addToAnnotations(
                Names.STATUS,
                new InjectionStatus(version, policy, hash, "classic", "iptables").toJson())
            .endMetadata();
    if (ready) {
      builder
          .withNewStatus()
          .withPhase("Running")
          .addToContainerStatuses(
              new ContainerStatusBuilder()
                  .withName(InjectedNames.SIDECAR_CONTAINER)
                  .withReady(true)
                  .build())
          .endStatus();
    }
    return builder.build();
  }

  record Case(
      String name,
      List<EffectivePolicy> policies,
      List<Pod> pods,
      Map<String, String> namespaceLabels,
      PodCounts expected,
      List<String> winners,
      Map<String, String> running) {
    Case(
        String name,
        List<EffectivePolicy> policies,
        List<Pod> pods,
        Map<String, String> namespaceLabels,
        PodCounts expected,
        List<String> winners) {
      this(name, policies, pods, namespaceLabels, expected, winners, Map.of());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    Pod finished =
        pod("done", Map.of("app", "web", Names.INJECT, "true"))
            .withNewStatus()
            .withPhase("Succeeded")
            .endStatus()
            .build();
    Pod bad = optedIn("bad-status");
    Pod injectedWithBadAnnotation =
        pod("garbled", Map.of("app", "web", Names.INJECTED, "true"))
            .editMetadata()
            .addToAnnotations(Names.STATUS, "{not json")
            .endMetadata()
            .build();
    return Stream.of(
        new Case("no pods", List.of(WEB), List.of(), Map.of(), PodCounts.NONE, List.of()),
        new Case(
            "injected, ready and up to date",
            List.of(WEB),
            List.of(injected("a", "web", HASH, VERSION, true)),
            Map.of(),
            new PodCounts(1, 1, 1, 0, 0),
            List.of()),
        new Case(
            "old config hash and old sidecar version are outdated",
            List.of(WEB),
            List.of(
                injected("a", "web", "h-old", VERSION, false),
                injected("b", "web", HASH, "0.9.0", false),
                injected("c", "web", HASH, VERSION, false)),
            Map.of(),
            new PodCounts(3, 3, 0, 2, 0),
            List.of()),
        new Case(
            "a sidecar that reports the policy's hash took the edit live: not outdated",
            List.of(WEB),
            List.of(
                injected("a", "web", "h-old", VERSION, true),
                injected("b", "web", "h-old", VERSION, true),
                injected("c", "web", HASH, VERSION, true)),
            Map.of(),
            new PodCounts(3, 3, 3, 2, 0),
            List.of(),
            // a runs the policy's config now; b reports none in full (a restart pending, or
            // silent); c reports an older one than it was injected with
            Map.of("a", HASH, "c", "h-older")),
        new Case(
            "opted in without a sidecar is missed",
            List.of(WEB),
            List.of(optedIn("a")),
            Map.of(),
            new PodCounts(1, 0, 0, 0, 1),
            List.of()),
        new Case(
            "the same pod from both informers counts once",
            List.of(WEB),
            List.of(optedIn("a"), optedIn("a")),
            Map.of(),
            new PodCounts(1, 0, 0, 0, 1),
            List.of()),
        new Case(
            "opted out by the pod is not missed",
            List.of(WEB),
            List.of(pod("a", Map.of("app", "web", Names.INJECT, "false")).build()),
            Map.of(),
            PodCounts.NONE,
            List.of()),
        new Case(
            "namespace opt-in counts for a pod that said nothing",
            List.of(WEB),
            List.of(pod("a", Map.of("app", "web", Names.INJECT, "maybe")).build()),
            Map.of(Names.NAMESPACE_INJECTION, "enabled"),
            new PodCounts(1, 0, 0, 0, 1),
            List.of()),
        new Case(
            "another policy won the missed pod: conflict, not missed",
            List.of(WEB, GOLD),
            List.of(optedIn("a")),
            Map.of(),
            PodCounts.NONE,
            List.of("gold")),
        new Case(
            "another policy injected a pod this one selects: conflict",
            List.of(WEB, GOLD),
            List.of(injected("a", "gold", HASH, VERSION, true)),
            Map.of(),
            PodCounts.NONE,
            List.of("gold")),
        new Case(
            "a pod naming another policy is not a conflict",
            List.of(WEB, GOLD),
            List.of(
                pod("a", Map.of("app", "web", Names.INJECT, "true"))
                    .editMetadata()
                    .addToAnnotations(Names.POLICY, "gold")
                    .endMetadata()
                    .build()),
            Map.of(),
            PodCounts.NONE,
            List.of()),
        new Case(
            "finished pods and unreadable status annotations do not count",
            List.of(WEB),
            List.of(finished, injectedWithBadAnnotation),
            Map.of(),
            PodCounts.NONE,
            List.of()),
        new Case(
            "a pod the selector does not match is neither matched nor missed",
            List.of(WEB),
            List.of(pod("a", Map.of("app", "db", Names.INJECT, "true")).build(), bad),
            Map.of(),
            new PodCounts(1, 0, 0, 0, 1),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void counts(Case c) {
    PodCensus census =
        PodCensus.count(
            "web",
            Optional.of(WEB),
            Optional.of(HASH),
            c.running(),
            VERSION,
            c.policies(),
            c.pods(),
            ns -> c.namespaceLabels(),
            Set.of("kube-system"));
    assertThat(census.counts()).isEqualTo(c.expected());
    assertThat(census.winners()).isEqualTo(c.winners());
    assertThat(census.missed()).hasSize(c.expected().missed());
  }
}
