package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.InvalidPolicyException;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.PodSecurityStandards.Level;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the webhook injects passes the Pod Security level the pod's namespace enforces, at every
 * version of the standard, judged by the standard's own rules ({@link PodSecurityStandards}): a pod
 * that the level admits is still admitted once injected, in whatever mode the webhook chose. The
 * app's own pod is made to pass {@code restricted} first (pod-level {@code runAsNonRoot} and
 * seccomp, containers without privilege escalation or capabilities), as a pod in such a namespace
 * must be.
 */
class InjectedPodSecurityTest {

  static final String ENFORCE = "pod-security.kubernetes.io/enforce";
  static final String ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";

  /** The versions at which a rule touching injected fields starts, around them, and latest. */
  static final List<String> VERSIONS =
      List.of(
          "v1.0", "v1.7", "v1.8", "v1.18", "v1.19", "v1.21", "v1.22", "v1.23", "v1.25", "v1.29",
          "v1.33", "v1.34", "latest");

  static final List<String> LEVELS = List.of("baseline", "restricted");

  private static final long SEED = 0x5EC1A55L;
  private static final int CASES = 3_000;

  static Stream<InjectionFixtures> cases() throws IOException {
    return InjectionFixtures.all().filter(c -> !c.policies().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyFixturePassesTheLevelItsNamespaceEnforcesAtEveryVersion(InjectionFixtures c) {
    Pod app = hardened(c.pod());
    int checked = 0;
    for (String level : LEVELS) {
      for (String version : VERSIONS) {
        Map<String, String> labels = new LinkedHashMap<>(c.namespaceLabels());
        labels.put(ENFORCE, level);
        labels.put(ENFORCE_VERSION, version);
        Level enforced = level(level);
        int minor = version(version);
        if (!PodSecurityStandards.violations(app, enforced, minor).isEmpty()) {
          continue; // the app itself is refused (host network): nothing to keep admitted
        }
        PodAdmission admission =
            PodAdmission.admit(app, c.namespace(), labels, c.policies(), c.facts());
        assertThat(PodSecurityStandards.violations(admission.pod(), enforced, minor))
            .as("%s in a namespace enforcing %s %s", c, level, version)
            .isEmpty();
        checked++;
      }
    }
    if (!Boolean.TRUE.equals(app.getSpec().getHostNetwork())) {
      assertThat(checked)
          .as("levels and versions checked")
          .isEqualTo(LEVELS.size() * VERSIONS.size());
    }
  }

  @Test
  void everyPodInjectedFromAValidPolicyPassesItsNamespacesLevel() {
    Random random = new Random(SEED);
    int injected = 0;
    int askedForIptables = 0;
    for (int i = 0; i < CASES; i++) {
      Map<String, Object> spec = RandomPolicies.spec(random);
      EffectivePolicy policy;
      try {
        policy = PolicyResolver.resolve(policy(spec));
      } catch (InvalidPolicyException refused) {
        continue;
      }
      Pod app = hardened(RandomPolicies.pod(random));
      ClusterFacts facts = RandomPolicies.facts(random);
      Map<String, String> labels = namespaceLabels(random);
      Level enforced = level(labels.get(ENFORCE));
      int minor = version(labels.get(ENFORCE_VERSION));
      String name = "case " + i + " (seed " + SEED + "): " + labels + ", policy " + spec;
      assertThat(PodSecurityStandards.violations(app, enforced, minor)).as(name).isEmpty();

      PodAdmission admission = PodAdmission.admit(app, "shop", labels, List.of(policy), facts);
      if (admission.policy().isEmpty()) {
        continue;
      }
      injected++;
      if (policy.injection().interception() == io.outrigger.config.InterceptionMode.IPTABLES
          && enforced != Level.PRIVILEGED) {
        askedForIptables++;
      }
      assertThat(PodSecurityStandards.violations(admission.pod(), enforced, minor))
          .as(name)
          .isEmpty();
    }
    // The generators must reach the shapes that matter, or the property proves little.
    assertThat(injected).as("injected pods").isGreaterThan(CASES / 4);
    assertThat(askedForIptables)
        .as("pods whose policy asks for iptables in a namespace that enforces a level")
        .isGreaterThan(CASES / 10);
  }

  /**
   * Why the webhook does not inject iptables there: the init container it adds is refused by
   * baseline at every version (capabilities outside the default set), and by restricted for more.
   */
  @Test
  void theIptablesInitContainerIsRefusedAtBaselineAndRestrictedAtEveryVersion() throws IOException {
    InjectionFixtures c = fixture("native-sidecar-on-1-30-with-iptables");
    Pod injected =
        PodAdmission.admit(hardened(c.pod()), c.namespace(), Map.of(), c.policies(), c.facts())
            .pod();
    assertThat(initContainerNames(injected)).contains(InjectedNames.INIT_CONTAINER);
    for (String version : VERSIONS) {
      assertThat(PodSecurityStandards.violations(injected, Level.BASELINE, version(version)))
          .as("baseline %s", version)
          .anyMatch(v -> v.startsWith("capabilities_baseline: container outrigger-init"));
      assertThat(PodSecurityStandards.violations(injected, Level.RESTRICTED, version(version)))
          .as("restricted %s", version)
          .anyMatch(v -> v.startsWith("runAsNonRoot: container outrigger-init"));
    }
    assertThat(PodSecurityStandards.violations(injected, Level.PRIVILEGED, version("latest")))
        .isEmpty();
  }

  @Test
  void aPrivilegedNamespaceKeepsIptables() throws IOException {
    InjectionFixtures c = fixture("native-sidecar-on-1-30-with-iptables");
    PodAdmission admission =
        PodAdmission.admit(
            c.pod(), c.namespace(), Map.of(ENFORCE, "privileged"), c.policies(), c.facts());
    assertThat(initContainerNames(admission.pod())).contains(InjectedNames.INIT_CONTAINER);
    assertThat(status(admission.pod())).contains("\"interception\":\"iptables\"");
    assertThat(admission.warnings()).isEmpty();
  }

  @Test
  void aRestrictedNamespaceGetsPortModeWithAWarningAndAnAuditAnnotation() throws IOException {
    InjectionFixtures c = fixture("native-sidecar-on-1-30-with-iptables");
    PodAdmission admission =
        PodAdmission.admit(
            c.pod(),
            c.namespace(),
            Map.of(ENFORCE, "restricted", ENFORCE_VERSION, "v1.29"),
            c.policies(),
            c.facts());
    assertThat(initContainerNames(admission.pod())).doesNotContain(InjectedNames.INIT_CONTAINER);
    assertThat(status(admission.pod())).contains("\"interception\":\"port\"");
    String expected =
        "interception port, not iptables: namespace shop enforces Pod Security \"restricted\""
            + " (v1.29), which refuses the iptables init container";
    assertThat(admission.warnings()).anyMatch(w -> w.startsWith(expected));
    assertThat(admission.audit().get(PodAdmission.AUDIT_INTERCEPTION)).startsWith(expected);
  }

  @Test
  void aLevelThePluginCannotParseCountsAsRestricted() throws IOException {
    InjectionFixtures c = fixture("native-sidecar-on-1-30-with-iptables");
    PodAdmission admission =
        PodAdmission.admit(
            c.pod(), c.namespace(), Map.of(ENFORCE, "Privileged"), c.policies(), c.facts());
    assertThat(initContainerNames(admission.pod())).doesNotContain(InjectedNames.INIT_CONTAINER);
    assertThat(admission.audit().get(PodAdmission.AUDIT_INTERCEPTION))
        .contains("\"restricted\" (latest)");
  }

  // --- the pod and namespace ---------------------------------------------------------------------

  /** {@code pod} made to pass restricted: what a pod in such a namespace must already be. */
  static Pod hardened(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    builder
        .editOrNewSpec()
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .endSpec();
    Pod hardened = builder.build();
    List<Container> all = new ArrayList<>(PodFacts.containers(hardened));
    all.addAll(PodFacts.initContainers(hardened));
    for (Container container : all) {
      container.setSecurityContext(
          new SecurityContextBuilder()
              .withAllowPrivilegeEscalation(false)
              .withNewCapabilities()
              .withDrop("ALL")
              .endCapabilities()
              .build());
    }
    return hardened;
  }

  /** Labels as a namespace may carry them, values the plugin does not parse included. */
  static Map<String, String> namespaceLabels(Random random) {
    Map<String, String> labels = new LinkedHashMap<>();
    switch (random.nextInt(8)) {
      case 0 -> {
        return labels;
      }
      case 1 -> labels.put(ENFORCE, "privileged");
      case 2 -> labels.put(ENFORCE, "Restricted");
      case 3, 4 -> labels.put(ENFORCE, "baseline");
      default -> labels.put(ENFORCE, "restricted");
    }
    if (random.nextBoolean()) {
      labels.put(ENFORCE_VERSION, VERSIONS.get(random.nextInt(VERSIONS.size())));
    } else if (random.nextInt(8) == 0) {
      labels.put(ENFORCE_VERSION, "v1.022");
    }
    return labels;
  }

  /**
   * The level a label value names, as the plugin reads it: missing is the cluster default
   * (privileged), anything but the three names is restricted.
   */
  static Level level(String label) {
    if (label == null) {
      return Level.PRIVILEGED;
    }
    return switch (label) {
      case "privileged" -> Level.PRIVILEGED;
      case "baseline" -> Level.BASELINE;
      default -> Level.RESTRICTED;
    };
  }

  /** {@code v1.N} is N; missing, "latest" and anything else is latest. */
  static int version(String label) {
    if (label == null || !label.matches("v1\\.(0|[1-9][0-9]*)")) {
      return PodSecurityStandards.LATEST;
    }
    return Integer.parseInt(label.substring(3));
  }

  private static ObservabilityPolicy policy(Map<String, Object> spec) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", "outrigger.io/v1alpha1");
    document.put("kind", "ObservabilityPolicy");
    document.put(
        "metadata",
        Map.of(
            "name", "checkout", "namespace", "shop", "creationTimestamp", "2026-01-01T00:00:00Z"));
    document.put("spec", spec);
    return Serialization.jsonMapper().convertValue(document, ObservabilityPolicy.class);
  }

  private static InjectionFixtures fixture(String name) throws IOException {
    return InjectionFixtures.all().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> initContainerNames(Pod pod) {
    return PodFacts.initContainers(pod).stream().map(Container::getName).toList();
  }

  private static String status(Pod pod) {
    return PodFacts.annotations(pod).get(Names.STATUS);
  }
}
