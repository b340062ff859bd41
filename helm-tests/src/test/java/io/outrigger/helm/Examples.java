package io.outrigger.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
}
