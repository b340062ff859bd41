package io.outrigger.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD is what the build generates, and it teaches the user every field. */
class GeneratedCrdTest {

  static final String FILE = "observabilitypolicies.outrigger.io-v1.yml";

  static Path committed() {
    return Path.of(System.getProperty("outrigger.committedCrdDir", ".")).resolve(FILE);
  }

  static Path generated() {
    return Path.of(
            System.getProperty("outrigger.generatedCrdDir", "target/classes/META-INF/fabric8"))
        .resolve(FILE);
  }

  @Test
  void committedCrdMatchesTheGeneratedOne() throws IOException {
    assertThat(generated()).as("the build generates the CRD").exists();
    assertThat(committed()).as("the CRD is committed at crds/" + FILE).exists();
    assertThat(Files.readString(committed()))
        .as("crds/%s is stale: run `make crds` and commit the result", FILE)
        .isEqualTo(Files.readString(generated()));
  }

  @Test
  void everySpecAndStatusFieldHasADescription() throws IOException {
    JsonNode schema = schema(committed());
    JsonNode spec = schema.path("properties").path("spec");
    JsonNode status = schema.path("properties").path("status");
    assertThat(CrdSchemaWalker.allPaths(spec, "spec"))
        .as("the walk reaches nested fields")
        .contains(
            "spec.selector.matchExpressions[].operator", "spec.logs.outputs.forward.requireAck")
        .hasSizeGreaterThan(100);
    assertThat(CrdSchemaWalker.undocumented(spec, "spec")).isEmpty();
    assertThat(CrdSchemaWalker.undocumented(status, "status")).isEmpty();
  }

  @Test
  void namesAndColumnsAreWhatUsersType() throws IOException {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(committed().toFile());
    assertThat(crd.at("/spec/group").asText()).isEqualTo("outrigger.io");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/plural").asText()).isEqualTo("observabilitypolicies");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("obspol");
    JsonNode version = crd.at("/spec/versions/0");
    assertThat(version.at("/name").asText()).isEqualTo("v1alpha1");
    assertThat(version.at("/subresources/status").isObject()).isTrue();
    assertThat(version.at("/additionalPrinterColumns").findValuesAsText("name"))
        .as("DESIGN's order, Age last (PrinterColumnOrder)")
        .containsExactly(
            "Ready",
            "Valid",
            "Degraded",
            "Matched",
            "Injected",
            "Healthy",
            "Outdated",
            "Missed",
            "Age");
  }

  static JsonNode schema(Path crdFile) throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(crdFile.toFile())
        .at("/spec/versions/0/schema/openAPIV3Schema");
  }
}
