package io.outrigger.webhook.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectionFixtures;
import io.outrigger.webhook.PodAdmission;
import io.outrigger.webhook.PodJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every injection fixture sent through the real API server: its policies created, its pod created,
 * and the stored pod checked against what the pure functions produce for this server (classic
 * sidecars on 1.20). So every shape the fixtures cover — interception modes, probes, log volumes,
 * collisions, overrides — passes the API server's own validation.
 */
class FixturesOnRealApiServerIT {

  private static final String SELECTOR = "fixtures";
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final String UNWATCHED = "fx-no-webhook";

  private static KubernetesClient client;
  private static WebhookHarness webhook;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    webhook = WebhookHarness.start(client, SELECTOR, "Fail");
    webhook.namespace(UNWATCHED, Map.of());
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (client != null) {
      client.close();
    }
  }

  /**
   * The cases a 1.20 server can take: not those in namespaces the webhook never sees, and not gRPC
   * probes (added in 1.24; 1.20 would drop the field and refuse a handler-less probe).
   */
  static Stream<InjectionFixtures> cases() throws IOException {
    return InjectionFixtures.all()
        .filter(c -> "shop".equals(c.namespace()))
        .filter(c -> !readString(c).contains("grpc:"));
  }

  private static String readString(InjectionFixtures c) {
    try {
      return Files.readString(c.dir().resolve("pod.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredPodIsWhatThePureFunctionsSay(InjectionFixtures c) {
    String namespace = "fx-" + NEXT.incrementAndGet();
    Map<String, String> labels = new HashMap<>(c.namespaceLabels());
    labels.put(WebhookHarness.SELECTOR_LABEL, SELECTOR);
    webhook.namespace(namespace, labels);
    // Policies get the server's creation times; the expectation below reads them back.
    for (String doc : policyDocuments(c)) {
      ObservabilityPolicy policy = Serialization.unmarshal(doc, ObservabilityPolicy.class);
      policy.getMetadata().setNamespace(namespace);
      policy.getMetadata().setCreationTimestamp(null);
      client.resource(policy).create();
    }
    Pod pod = PodJson.copy(c.pod());
    pod.getMetadata().setNamespace(namespace);

    client.pods().inNamespace(namespace).resource(pod).create();
    Pod stored = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();

    // The webhook sees the pod after the server's defaulting (probe thresholds, schemes...):
    // the expectation starts from the same pod, defaulted by a dry run outside the webhook's reach.
    Pod defaulted =
        client.pods().inNamespace(UNWATCHED).resource(PodJson.copy(pod)).dryRun().create();
    defaulted.getMetadata().setNamespace(namespace);
    Pod expected =
        PodAdmission.admit(
                defaulted,
                namespace,
                labels,
                new KubernetesClusterView(client).policies(namespace),
                webhook.facts)
            .pod();
    assertThat(names(stored.getSpec().getContainers()))
        .isEqualTo(names(expected.getSpec().getContainers()));
    assertThat(names(stored.getSpec().getInitContainers()))
        .isEqualTo(names(expected.getSpec().getInitContainers()));
    assertThat(volumes(stored)).isEqualTo(volumes(expected));
    assertThat(stored.getMetadata().getLabels()).isEqualTo(expected.getMetadata().getLabels());
    assertThat(withoutServerAdded(stored.getMetadata().getAnnotations()))
        .isEqualTo(withoutServerAdded(expected.getMetadata().getAnnotations()));
    assertThat(env(stored)).isEqualTo(env(expected));
  }

  /**
   * A 1.20 server mirrors the seccompProfile fields into the older annotations ({@code
   * container.seccomp.security.alpha.kubernetes.io/<container>}, and {@code …/pod} for a pod-level
   * profile, which the dry-run copy the expectation starts from has too); that is its defaulting,
   * not ours.
   */
  private static Map<String, String> withoutServerAdded(Map<String, String> annotations) {
    Map<String, String> ours = new HashMap<>(annotations == null ? Map.of() : annotations);
    ours.keySet().removeIf(key -> key.contains("seccomp.security.alpha.kubernetes.io/"));
    return ours;
  }

  private static List<String> policyDocuments(InjectionFixtures c) {
    try {
      return List.of(Files.readString(c.dir().resolve("policy.yaml")).split("(?m)^---\\s*$"))
          .stream()
          .filter(d -> !d.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Env as name=source, leaving out what the server defaults (fieldRef apiVersion, divisor). */
  private static List<String> env(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getEnv().stream())
        .map(
            e ->
                e.getName()
                    + "="
                    + (e.getValueFrom() == null
                        ? String.valueOf(e.getValue() == null ? "" : e.getValue())
                        : source(e.getValueFrom())))
        .toList();
  }

  private static String source(io.fabric8.kubernetes.api.model.EnvVarSource from) {
    if (from.getFieldRef() != null) {
      return from.getFieldRef().getFieldPath();
    }
    if (from.getSecretKeyRef() != null) {
      return "secret:"
          + from.getSecretKeyRef().getName()
          + "/"
          + from.getSecretKeyRef().getKey()
          + (Boolean.TRUE.equals(from.getSecretKeyRef().getOptional()) ? "?" : "");
    }
    return from.getResourceFieldRef().getResource();
  }

  private static List<String> names(List<Container> containers) {
    return containers.stream().map(Container::getName).toList();
  }

  private static List<String> volumes(Pod pod) {
    return pod.getSpec().getVolumes().stream().map(Volume::getName).toList();
  }
}
