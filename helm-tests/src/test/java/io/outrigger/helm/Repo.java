package io.outrigger.helm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, from the module's {@code outrigger.repoRoot} (set by the POM). */
final class Repo {
  private Repo() {}

  static Path root() {
    Path root =
        Path.of(System.getProperty("outrigger.repoRoot", "..")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("helm/outrigger"))) {
      throw new IllegalStateException("not the repository root (no helm/outrigger): " + root);
    }
    return root;
  }

  static Path chart() {
    return root().resolve("helm/outrigger");
  }

  /** The one CRD file every copy is made from ({@code make crds}). */
  static Path crd() {
    return root().resolve("crds/observabilitypolicies.outrigger.io-v1.yml");
  }

  /** The chart's copy of the CRD, which {@code templates/crds.yaml} renders. */
  static Path chartCrd() {
    return chart().resolve("files/crds").resolve(crd().getFileName());
  }

  static Path examples() {
    return root().resolve("examples");
  }

  static Path docs() {
    return root().resolve("docs");
  }
}
