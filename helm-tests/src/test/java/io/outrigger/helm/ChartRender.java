package io.outrigger.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Renders and lints the chart with helm-java (Helm's own Go code through JNI; no helm binary).
 *
 * <p>helm-java's lint takes no values file, so a non-default set is linted the way {@code helm lint
 * -f} would see it: on a copy of the chart whose values.yaml is the chart's own with the set merged
 * over it (values.schema.json still checks the result).
 */
final class ChartRender {
  static final ObjectMapper YAML = new YAMLMapper();

  private ChartRender() {}

  /**
   * {@code helm template <release> helm/outrigger -n <namespace> -f <values>} for a kube version.
   */
  static List<GenericKubernetesResource> template(
      String release, String namespace, ValuesSet values, String kubeVersion) {
    return parse(templateYaml(release, namespace, values, kubeVersion));
  }

  static String templateYaml(
      String release, String namespace, ValuesSet values, String kubeVersion) {
    TemplateCommand command =
        new Helm(Repo.chart())
            .template()
            .withName(release)
            .withNamespace(namespace)
            .withKubeVersion(kubeVersion);
    Optional<Path> file = values.file();
    if (file.isPresent()) {
      command = command.withValuesFile(file.get());
    }
    return command.call();
  }

  /**
   * The chart's {@code helm test} hooks as {@code helm template} would show them. helm-java returns
   * the release manifest only, and Helm keeps hooks apart from it, so they are rendered from a copy
   * of the chart whose hook annotations are taken out (ChartTemplateTest checks them in the
   * source).
   */
  static List<GenericKubernetesResource> testHooks(
      String release, String namespace, ValuesSet values) {
    Path copy = copyChart();
    try {
      List<String> hooks = new ArrayList<>();
      try (Stream<Path> files = Files.list(copy.resolve("templates/tests"))) {
        for (Path file : files.toList()) {
          Files.writeString(
              file,
              String.join(
                  "\n",
                  Files.readAllLines(file).stream()
                      .filter(line -> !line.contains("helm.sh/hook"))
                      .toList()));
          hooks.add(file.getFileName().toString());
        }
      }
      Path templates = copy.resolve("templates");
      try (Stream<Path> files = Files.list(templates)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          if (!file.getFileName().toString().startsWith("_")) {
            Files.delete(file);
          }
        }
      }
      TemplateCommand command =
          new Helm(copy).template().withName(release).withNamespace(namespace);
      Optional<Path> file = values.file();
      if (file.isPresent()) {
        command = command.withValuesFile(file.get());
      }
      return parse(command.call());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(copy);
    }
  }

  /** Every document of a multi-document YAML stream that is an object. */
  static List<GenericKubernetesResource> parse(String yaml) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    if (yaml == null) {
      return objects; // helm-java's answer for a chart that renders nothing
    }
    try (var parser = new YAMLFactory().createParser(yaml)) {
      Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          objects.add(Serialization.unmarshal(doc.toString(), GenericKubernetesResource.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  /** {@code helm lint} of the chart with {@code values} merged over its defaults. */
  static LintResult lint(ValuesSet values) {
    Optional<Path> file = values.file();
    if (file.isEmpty()) {
      return new Helm(Repo.chart()).lint().strict().call();
    }
    Path copy = copyChart();
    try {
      ObjectNode merged = (ObjectNode) YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
      merge(merged, YAML.readTree(file.get().toFile()));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(copy);
    }
  }

  /** Helm's own rule: maps merge key by key, anything else replaces. */
  static void merge(ObjectNode into, JsonNode over) {
    over.fields()
        .forEachRemaining(
            entry -> {
              JsonNode existing = into.get(entry.getKey());
              if (existing instanceof ObjectNode target && entry.getValue().isObject()) {
                merge(target, entry.getValue());
              } else {
                into.set(entry.getKey(), entry.getValue());
              }
            });
  }

  /** A copy of the chart in a temporary directory (delete it with {@link #delete}). */
  static Path copyChart() {
    try {
      Path target = Files.createTempDirectory("outrigger-chart").resolve("outrigger");
      Path source = Repo.chart();
      try (Stream<Path> files = Files.walk(source)) {
        for (Path path : (Iterable<Path>) files::iterator) {
          Path to = target.resolve(source.relativize(path).toString());
          if (Files.isDirectory(path)) {
            Files.createDirectories(to);
          } else {
            Files.copy(path, to);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path chartCopy) {
    try (Stream<Path> files = Files.walk(chartCopy.getParent())) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The only object of {@code kind} (and name, when given). */
  static GenericKubernetesResource one(
      List<GenericKubernetesResource> objects, String kind, String name) {
    List<GenericKubernetesResource> found =
        objects.stream()
            .filter(o -> o.getKind().equals(kind))
            .filter(o -> name == null || o.getMetadata().getName().equals(name))
            .toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + kind + (name == null ? "" : " " + name) + ", found " + found.size());
    }
    return found.get(0);
  }

  static List<GenericKubernetesResource> all(List<GenericKubernetesResource> objects, String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
  }

  /** An object as a JSON tree, for reading nested fields. */
  static JsonNode tree(GenericKubernetesResource object) {
    return YAML.valueToTree(Serialization.asJson(object) == null ? Map.of() : asMap(object));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(GenericKubernetesResource object) {
    return Serialization.unmarshal(Serialization.asJson(object), Map.class);
  }
}
