package io.outrigger.helm;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A named set of chart values: the defaults, or a file (under {@code src/test/resources/values/})
 * merged over them, with the release name and namespace it is installed as. Each set is linted,
 * rendered and dry-run on the real API server.
 *
 * @param valuesFile null for the chart's defaults
 */
record ValuesSet(String name, String release, String namespace, Path valuesFile) {

  static final ValuesSet DEFAULTS =
      new ValuesSet("defaults", "outrigger", "outrigger-system", null);

  /** Every set the chart is tested with; the file name says what it changes. */
  static List<ValuesSet> all() {
    return List.of(
        DEFAULTS,
        bundled("watch-namespaces", "obs", "observability"),
        bundled("cert-manager", "outrigger", "outrigger-certs"),
        bundled("fail-closed-labelled-pods-only", "outrigger-strict", "outrigger-strict"),
        bundled("single-replica-pinned-images", "outrigger", "platform"),
        bundled("platform-habits", "outrigger", "platform-system"),
        bundled("prometheus-operator", "outrigger", "monitoring"));
  }

  static ValuesSet named(String name) {
    return all().stream()
        .filter(set -> set.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no values set " + name));
  }

  static ValuesSet bundled(String name, String release, String namespace) {
    return new ValuesSet(
        name,
        release,
        namespace,
        Path.of("src/test/resources/values", name + ".yaml").toAbsolutePath());
  }

  /** A values file a test wrote, installed as the default release. */
  static ValuesSet ofFile(Path file) {
    return new ValuesSet(file.getFileName().toString(), "outrigger", "outrigger-system", file);
  }

  /** The chart's base name for this release ({@code outrigger.fullname}, without overrides). */
  String fullname() {
    return release.contains("outrigger") ? release : release + "-outrigger";
  }

  /** A values file a test wrote, as one release in one namespace. */
  static ValuesSet ofYaml(String yaml, String release, String namespace) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("values-", ".yaml");
      java.nio.file.Files.writeString(file, yaml + "\n");
      file.toFile().deleteOnExit();
      return new ValuesSet("inline", release, namespace, file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Optional<Path> file() {
    return Optional.ofNullable(valuesFile);
  }

  @Override
  public String toString() {
    return name;
  }
}
