package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed references under {@code docs/reference/} are what the generators make from the CRD
 * and the code's constants; stale ones fail here. {@code make docs} rewrites them ({@code
 * -Doutrigger.regenerate=true}).
 */
class ReferenceDocsTest {
  private static final boolean REGENERATE = Boolean.getBoolean("outrigger.regenerate");

  @Test
  void theCrdReferenceIsCurrent() throws IOException {
    check(Repo.docs().resolve("reference/crd.md"), CrdReference.render(Repo.crd()));
  }

  @Test
  void theAnnotationAndPortReferenceIsCurrent() throws IOException {
    check(Repo.docs().resolve("reference/annotations.md"), AnnotationReference.render());
  }

  @Test
  void theChartReadmeIsCurrent() throws IOException {
    check(Repo.chart().resolve("README.md"), ChartReadme.render());
  }

  @Test
  void theChartReadmeHasARowForEveryValue() throws IOException {
    String readme = ChartReadme.render();
    com.fasterxml.jackson.databind.JsonNode values =
        ChartRender.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    java.util.List<String> keys = new java.util.ArrayList<>();
    leaves("", values, keys);

    assertThat(keys).hasSizeGreaterThan(50);
    // A key whose schema is a free-form object is one row for the whole object.
    assertThat(keys)
        .allSatisfy(
            key -> {
              String[] parts = key.split("\\.");
              boolean found = false;
              for (int i = parts.length; i > 0 && !found; i--) {
                found =
                    readme.contains(
                        "| `" + String.join(".", java.util.Arrays.copyOf(parts, i)) + "` |");
              }
              // An empty object whose schema lists its fields has a row per field.
              found = found || readme.contains("| `" + key + ".");
              assertThat(found).as(key).isTrue();
            });
  }

  private static void leaves(
      String prefix, com.fasterxml.jackson.databind.JsonNode node, java.util.List<String> out) {
    if (node.isObject() && node.size() > 0) {
      node.fields()
          .forEachRemaining(
              e ->
                  leaves(
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      e.getValue(),
                      out));
    } else {
      out.add(prefix);
    }
  }

  @Test
  void theCrdReferenceShowsEveryFieldWithItsDefaultAndBounds() {
    String reference = CrdReference.render(Repo.crd());

    assertThat(reference)
        .contains("| `spec.tracing.samplingRatio` | number | `0.01` |")
        .contains(
            "| `spec.injection.interception` | string | `\"iptables\"` | `iptables`, `none`, `port` |")
        .contains("| `spec.logs.outputs.forward.port` | integer | `24224` |")
        .contains("## status");
  }

  @Test
  void anUndocumentedConstantStopsTheGenerator() {
    assertThatThrownBy(() -> AnnotationReference.constants(WithANewPort.class, int.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WithANewPort.DEBUG (15099) has no description")
        .hasMessageContaining("WithANewPort.TELEMETRY does not exist");
  }

  /** Stands for {@code Ports} after someone added a port without documenting it. */
  static final class WithANewPort {
    public static final int ADMIN = 15000;
    public static final int OUTBOUND = 15001;
    public static final int INBOUND_BASE = 15006;
    public static final int DEBUG = 15099;
  }

  private static void check(Path committed, String generated) throws IOException {
    if (REGENERATE) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, generated);
    }
    assertThat(committed).as("run `make docs`").exists();
    assertThat(Files.readString(committed))
        .as("%s is stale: run `make docs` and commit the result", Repo.root().relativize(committed))
        .isEqualTo(generated);
  }
}
