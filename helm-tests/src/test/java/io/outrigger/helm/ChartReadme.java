package io.outrigger.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code helm/outrigger/README.md} from {@code values.schema.json} (what each key is, its
 * type, its bounds) and {@code values.yaml} (its default). Every top-level key must have a
 * description in the schema, so a new group of values cannot ship undocumented.
 */
final class ChartReadme {
  private ChartReadme() {}

  static String render() {
    JsonNode schema;
    JsonNode values;
    try {
      schema = new ObjectMapper().readTree(Repo.chart().resolve("values.schema.json").toFile());
      values = ChartRender.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> undocumented = new ArrayList<>();
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().has("description")) {
                undocumented.add(e.getKey());
              }
            });
    if (!undocumented.isEmpty()) {
      throw new IllegalStateException(
          "values.schema.json: no description for " + String.join(", ", undocumented));
    }
    StringBuilder out = new StringBuilder();
    out.append("# Outrigger Helm chart\n\n")
        .append("<!-- Generated from values.schema.json and values.yaml by `make docs` (helm-tests")
        .append(" ChartReadme); do not edit. -->\n\n")
        .append(
            "The Outrigger operator, its mutating admission webhook and the ObservabilityPolicy")
        .append(" CRD. Install, upgrade and the Prometheus Operator objects: the project's")
        .append(" docs/install.md and UPGRADING.md.\n\n")
        .append("```sh\nhelm install outrigger <chart> -n outrigger-system --create-namespace\n")
        .append("helm test outrigger -n outrigger-system\n```\n\n")
        .append(
            "Every key is checked by values.schema.json: a misspelt or out-of-range value fails")
        .append(" `helm install` with the key's name.\n");
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            group -> {
              out.append("\n## `").append(group.getKey()).append("`\n\n");
              out.append(group.getValue().path("description").asText()).append("\n\n");
              out.append("| key | type | default | description |\n|---|---|---|---|\n");
              rows(group.getKey(), group.getValue(), values.path(group.getKey()), out);
            });
    return out.toString();
  }

  private static void rows(String key, JsonNode schema, JsonNode value, StringBuilder out) {
    JsonNode properties = schema.path("properties");
    if (properties.size() > 0 && (value.isMissingNode() || value.isObject())) {
      for (Map.Entry<String, JsonNode> field :
          (Iterable<Map.Entry<String, JsonNode>>) properties::fields) {
        rows(key + "." + field.getKey(), field.getValue(), value.path(field.getKey()), out);
      }
      return;
    }
    out.append("| `")
        .append(key)
        .append("` | ")
        .append(type(schema))
        .append(" | ")
        .append(value.isMissingNode() ? "" : "`" + value.toString().replace("|", "\\|") + "`")
        .append(" | ")
        .append(description(schema))
        .append(" |\n");
  }

  private static String type(JsonNode schema) {
    if (schema.has("enum")) {
      List<String> words = new ArrayList<>();
      schema.path("enum").forEach(v -> words.add("`" + v.asText() + "`"));
      return String.join(", ", words);
    }
    if (schema.has("oneOf")) {
      List<String> types = new ArrayList<>();
      schema.path("oneOf").forEach(v -> types.add(v.path("type").asText()));
      return String.join(" or ", types);
    }
    JsonNode type = schema.path("type");
    if (type.isArray()) {
      List<String> types = new ArrayList<>();
      type.forEach(t -> types.add(t.asText()));
      return String.join(" or ", types);
    }
    return type.asText("any");
  }

  private static String description(JsonNode schema) {
    StringBuilder text = new StringBuilder(schema.path("description").asText());
    List<String> bounds = new ArrayList<>();
    if (schema.has("minimum")) {
      bounds.add("≥ " + schema.path("minimum").asText());
    }
    if (schema.has("maximum")) {
      bounds.add("≤ " + schema.path("maximum").asText());
    }
    if (schema.has("pattern")) {
      bounds.add("matches `" + schema.path("pattern").asText().replace("|", "\\|") + "`");
    }
    if (!bounds.isEmpty()) {
      text.append(text.length() > 0 ? " " : "")
          .append("(")
          .append(String.join(", ", bounds))
          .append(")");
    }
    return text.toString();
  }
}
