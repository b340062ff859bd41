package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.InvalidPolicyException;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.config.Ports;
import io.outrigger.config.SidecarCommand;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.config.interception.InterceptionRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the validator accepts, the webhook turns into containers the sidecar image
 * accepts. Seeded random policies, pods and clusters go through the real admission path ({@link
 * PodAdmission#admit}); every injected pod's command lines, environment, config and ports are then
 * read with the parsers the sidecar itself runs ({@link SidecarCommand}, {@link
 * SidecarEnvironment}, {@link SidecarConfigCodec}). A value one side accepts and the other refuses
 * is a pod that crash-loops, or traffic sent to a listener that is not there.
 */
class InjectedPodContractTest {
  private static final long SEED = 20_260_412L;
  private static final int CASES = 3_000;

  @Test
  void everyPodInjectedFromAValidPolicyRunsWithTheSidecarsOwnParsers() {
    Random random = new Random(SEED);
    int injected = 0;
    int withInit = 0;
    for (int i = 0; i < CASES; i++) {
      Map<String, Object> spec = RandomPolicies.spec(random);
      EffectivePolicy policy;
      try {
        policy = PolicyResolver.resolve(policy(spec));
      } catch (InvalidPolicyException refused) {
        continue;
      }
      Pod pod = RandomPolicies.pod(random);
      ClusterFacts facts = RandomPolicies.facts(random);
      String name = "case " + i + " (seed " + SEED + "): policy " + spec + ", pod " + pod;
      PodAdmission admission;
      try {
        admission = PodAdmission.admit(pod, "shop", Map.of(), List.of(policy), facts);
      } catch (RuntimeException e) {
        // The handler would admit the pod without a sidecar: a valid policy that injects nothing.
        throw new AssertionError(name + ": injection failed: " + e, e);
      }
      if (admission.policy().isEmpty()) {
        continue;
      }
      injected++;
      withInit += check(name, pod, admission.pod(), policy) ? 1 : 0;
    }
    // The generators must reach the interesting shapes, or the property proves little.
    assertThat(injected).as("injected pods").isGreaterThan(CASES / 4);
    assertThat(withInit).as("pods with an init container").isGreaterThan(CASES / 10);
  }

  /** Checks one injected pod; true when it has an init container. */
  private static boolean check(String name, Pod original, Pod pod, EffectivePolicy policy) {
    Container sidecar = container(pod, InjectedNames.SIDECAR_CONTAINER);
    assertThat(sidecar).as(name).isNotNull();
    Map<String, String> env = env(sidecar);

    assertThat(sidecar.getCommand()).as(name).containsExactly(SidecarCommand.BINARY);
    assertThat(parse(name, sidecar.getArgs(), env))
        .as(name)
        .isEqualTo(
            new SidecarCommand.Run(java.nio.file.Path.of(Names.CONFIG_MOUNT, Names.CONFIG_KEY)));
    if (sidecar.getLifecycle() != null && sidecar.getLifecycle().getPostStart() != null) {
      List<String> hook = sidecar.getLifecycle().getPostStart().getExec().getCommand();
      assertThat(hook.get(0)).as(name).isEqualTo(SidecarCommand.BINARY);
      parse(name, hook.subList(1, hook.size()), env);
    }

    // The file the sidecar reads: the config volume's item, from the pod's own annotation.
    SidecarConfig config =
        SidecarConfigCodec.readJson(configFileContent(name, pod, sidecar), "the pod's annotation");
    assertThat(config).as(name).isEqualTo(policy.sidecar());
    SidecarConfig running = SidecarEnvironment.apply(config, env);
    List<Integer> planned = ports(env.get(SidecarEnvironment.INBOUND_PORTS));
    if (running.proxy().enabled()) {
      assertThat(running.proxy().listenerAppPorts())
          .as(name + ": the sidecar's listeners, in order, are the ports the webhook planned")
          .isEqualTo(planned);
    }
    Integer scrapePort = SidecarEnvironment.scrapePort(env);
    if (scrapePort != null) {
      assertThat(scrapePort).as(name).isBetween(1, 65535);
      assertThat(Ports.isReserved(scrapePort)).as(name).isFalse();
    }

    // The telemetry port is declared under its name, once, whatever the mode (an app port of that
    // name is not moved onto the sidecar).
    assertThat(list(sidecar.getPorts()))
        .as(name)
        .filteredOn(p -> Ports.TELEMETRY_NAME.equals(p.getName()))
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(Ports.TELEMETRY));

    // Port mode: each moved name must reach the listener of the app port that had it.
    for (ContainerPort moved : list(sidecar.getPorts())) {
      if (moved.getContainerPort() == Ports.TELEMETRY) {
        continue;
      }
      int appPort = namedAppPort(original, moved.getName());
      assertThat(moved.getContainerPort())
          .as(name + ": listener for " + moved.getName())
          .isEqualTo(Ports.INBOUND_BASE + planned.indexOf(appPort));
    }

    Container init = initContainer(pod);
    if (init == null) {
      return false;
    }
    assertThat(init.getCommand()).as(name).containsExactly(SidecarCommand.BINARY);
    // The init container gets no environment from the webhook: its flags alone must do.
    SidecarCommand command = parse(name, init.getArgs(), Map.of());
    assertThat(command).as(name).isInstanceOf(SidecarCommand.Init.class);
    InterceptionRules rules = ((SidecarCommand.Init) command).options().rules();
    assertThat(rules.inboundPorts())
        .as(name + ": redirected ports in listener order")
        .isEqualTo(planned);
    for (int port = 0; port < rules.inboundPorts().size(); port++) {
      assertThat(rules.listenerFor(port)).isEqualTo(Ports.INBOUND_BASE + port);
    }
    assertThat(rules.captureOutbound()).as(name).isEqualTo(policy.injection().captureOutbound());
    return true;
  }

  private static SidecarCommand parse(String name, List<String> args, Map<String, String> env) {
    try {
      return SidecarCommand.parse(args, env);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(
          name + ": the sidecar refuses " + args + " (it would exit 2): " + e.getMessage(), e);
    }
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

  private static Container container(Pod pod, String name) {
    return Stream.concat(
            list(pod.getSpec().getContainers()).stream(),
            list(pod.getSpec().getInitContainers()).stream())
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElse(null);
  }

  private static Container initContainer(Pod pod) {
    return list(pod.getSpec().getInitContainers()).stream()
        .filter(c -> c.getName().startsWith(InjectedNames.INIT_CONTAINER))
        .filter(c -> c.getArgs() != null && c.getArgs().contains(SidecarCommand.INIT))
        .findFirst()
        .orElse(null);
  }

  private static int namedAppPort(Pod original, String portName) {
    return list(original.getSpec().getContainers()).stream()
        .flatMap(c -> list(c.getPorts()).stream())
        .filter(p -> portName.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no app port named " + portName));
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : list(container.getEnv())) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }

  private static List<Integer> ports(String text) {
    List<Integer> ports = new ArrayList<>();
    if (text != null) {
      for (String port : text.split(",")) {
        if (!port.isBlank()) {
          ports.add(Integer.parseInt(port.trim()));
        }
      }
    }
    return ports;
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  /**
   * What the kubelet writes at {@code CONFIG_MOUNT/CONFIG_KEY} of the sidecar: the downward API
   * item of the volume mounted there, an annotation of the pod.
   */
  private static String configFileContent(String name, Pod pod, Container sidecar) {
    String volume =
        list(sidecar.getVolumeMounts()).stream()
            .filter(m -> Names.CONFIG_MOUNT.equals(m.getMountPath()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + ": no volume at " + Names.CONFIG_MOUNT))
            .getName();
    String fieldPath =
        list(pod.getSpec().getVolumes()).stream()
            .filter(v -> volume.equals(v.getName()))
            .findFirst()
            .orElseThrow()
            .getDownwardAPI()
            .getItems()
            .stream()
            .filter(item -> Names.CONFIG_KEY.equals(item.getPath()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + ": no " + Names.CONFIG_KEY))
            .getFieldRef()
            .getFieldPath();
    String prefix = "metadata.annotations['";
    assertThat(fieldPath).as(name).startsWith(prefix).endsWith("']");
    String key = fieldPath.substring(prefix.length(), fieldPath.length() - 2);
    String value = pod.getMetadata().getAnnotations().get(key);
    assertThat(value).as(name + ": annotation " + key).isNotNull();
    return value;
  }
}
