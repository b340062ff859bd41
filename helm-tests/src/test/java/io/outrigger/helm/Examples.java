package io.outrigger.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The Kubernetes manifests under {@code examples/} (not the standalone sidecar config). */
final class Examples {
  private Examples() {}

  /** {@code examples/sidecar.yaml} is the standalone sidecar's config for {@code make run}. */
  static final String STANDALONE_CONFIG = "sidecar.yaml";

  static List<Path> manifests() {
    try (Stream<Path> files = Files.walk(Repo.examples())) {
      return files
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !p.getFileName().toString().equals(STANDALONE_CONFIG))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<GenericKubernetesResource> objects(Path manifest) {
    try {
      return ChartRender.parse(Files.readString(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String name(Path manifest) {
    return Repo.examples().relativize(manifest).toString();
  }

  /** A pod as the demo app's Deployment ({@code examples/demo-app/kubernetes.yaml}) makes them. */
  static Pod demoAppPod(String name, String namespace) {
    Deployment demo =
        objects(Repo.examples().resolve("demo-app/kubernetes.yaml")).stream()
            .filter(o -> o.getKind().equals("Deployment"))
            .map(o -> Serialization.unmarshal(Serialization.asJson(o), Deployment.class))
            .findFirst()
            .orElseThrow();
    PodTemplateSpec template = demo.getSpec().getTemplate();
    return new PodBuilder()
        .withMetadata(template.getMetadata())
        .editMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  /** Whether the policy's status says {@code Ready=True}. */
  static boolean policyReady(KubernetesClient client, String namespace, String name) {
    ObservabilityPolicy policy =
        client.resources(ObservabilityPolicy.class).inNamespace(namespace).withName(name).get();
    return policy != null
        && policy.getStatus() != null
        && policy.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }
}
