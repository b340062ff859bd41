package io.outrigger.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One injection case under {@code src/test/resources/inject/<case>/}: {@code pod.yaml}, {@code
 * policy.yaml} (one or more policies, {@code ---} separated), {@code expected.yaml}, and optionally
 * {@code namespace.yaml}, {@code facts.yaml} (fields of {@link ClusterFacts} over {@link
 * #DEFAULT_FACTS}, e.g. {@code kubelets} for nodes of other versions) and {@code reason.txt} (text
 * the decision's reason must contain).
 */
public record InjectionFixtures(
    String name,
    Path dir,
    Pod pod,
    List<EffectivePolicy> policies,
    Map<String, String> namespaceLabels,
    ClusterFacts facts,
    Optional<String> reason) {

  /** One node whose kubelet is as new as the default server: no version skew. */
  public static final List<NodeKubelet> CURRENT_NODES =
      List.of(new NodeKubelet("node-1", Map.of("kubernetes.io/hostname", "node-1"), "v1.30.2"));

  static final ClusterFacts DEFAULT_FACTS =
      new ClusterFacts(1, 30, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system")
          .withKubelets(CURRENT_NODES);

  static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .build())
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  /** The directory holding the cases: the source tree, so regenerated files land there. */
  static Path root() {
    String dir = System.getProperty("outrigger.fixturesDir");
    return Path.of(dir != null ? dir : "src/test/resources/inject");
  }

  public static Stream<InjectionFixtures> all() throws IOException {
    try (Stream<Path> dirs = Files.list(root())) {
      return dirs
          .filter(Files::isDirectory)
          .sorted()
          .map(InjectionFixtures::load)
          .toList()
          .stream();
    }
  }

  static InjectionFixtures load(Path dir) {
    try {
      Pod pod = Serialization.unmarshal(Files.readString(dir.resolve("pod.yaml")), Pod.class);
      List<EffectivePolicy> policies = new ArrayList<>();
      for (String doc : Files.readString(dir.resolve("policy.yaml")).split("(?m)^---\\s*$")) {
        if (!doc.isBlank()) {
          policies.add(
              PolicyResolver.resolve(Serialization.unmarshal(doc, ObservabilityPolicy.class)));
        }
      }
      Map<String, String> namespaceLabels = Map.of();
      if (Files.exists(dir.resolve("namespace.yaml"))) {
        Namespace namespace =
            Serialization.unmarshal(
                Files.readString(dir.resolve("namespace.yaml")), Namespace.class);
        namespaceLabels =
            namespace.getMetadata().getLabels() == null
                ? Map.of()
                : namespace.getMetadata().getLabels();
      }
      ClusterFacts facts = DEFAULT_FACTS;
      if (Files.exists(dir.resolve("facts.yaml"))) {
        ObjectNode merged = YAML.valueToTree(DEFAULT_FACTS);
        merged.setAll((ObjectNode) YAML.readTree(dir.resolve("facts.yaml").toFile()));
        facts = YAML.treeToValue(merged, ClusterFacts.class);
      }
      Optional<String> reason =
          Files.exists(dir.resolve("reason.txt"))
              ? Optional.of(Files.readString(dir.resolve("reason.txt")).strip())
              : Optional.empty();
      return new InjectionFixtures(
          dir.getFileName().toString(), dir, pod, policies, namespaceLabels, facts, reason);
    } catch (IOException e) {
      throw new UncheckedIOException("case " + dir.getFileName(), e);
    }
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  Path expectedFile() {
    return dir.resolve("expected.yaml");
  }

  /** The pod as YAML with sorted map keys: what expected.yaml holds. */
  static String yaml(Pod pod) {
    try {
      JsonNode tree = PodJson.toTree(pod);
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
