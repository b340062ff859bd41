package io.outrigger.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code docs/reference/crd.md} from the CRD's OpenAPI schema: one table per section of the
 * spec (and the status), a row per field with its type, default, bounds and description. Nothing in
 * it is written by hand, so it cannot drift from what the API server enforces.
 */
final class CrdReference {
  private CrdReference() {}

  static String render(Path crdFile) {
    JsonNode crd;
    try {
      crd = ChartRender.YAML.readTree(crdFile.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode version = crd.at("/spec/versions/0");
    JsonNode root = version.at("/schema/openAPIV3Schema/properties");
    StringBuilder out = new StringBuilder();
    out.append("# ObservabilityPolicy reference (")
        .append(crd.at("/spec/group").asText())
        .append("/")
        .append(version.path("name").asText())
        .append(")\n\n")
        .append("<!-- Generated from ")
        .append(Repo.root().relativize(crdFile))
        .append(" by `make docs` (helm-tests CrdReference); do not edit. -->\n\n")
        .append("Kind `")
        .append(crd.at("/spec/names/kind").asText())
        .append("`, plural `")
        .append(crd.at("/spec/names/plural").asText())
        .append("`, short name `")
        .append(crd.at("/spec/names/shortNames/0").asText())
        .append("`, ")
        .append(crd.at("/spec/scope").asText().toLowerCase())
        .append(". Printer columns:");
    for (JsonNode column : version.path("additionalPrinterColumns")) {
      out.append(" ")
          .append(column.path("name").asText())
          .append(" (`")
          .append(column.path("jsonPath").asText())
          .append("`),");
    }
    out.setLength(out.length() - 1);
    out.append(".\nSee [policy.md](../policy.md) for what each section is for and")
        .append(" [annotations.md](annotations.md) for per-pod overrides.\n");

    JsonNode spec = root.path("spec");
    List<String> topLevel = new ArrayList<>();
    List<Row> scalars = new ArrayList<>();
    spec.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().path("properties").isEmpty()) {
                scalars.add(Row.of("spec." + e.getKey(), e.getValue(), required(spec, e.getKey())));
              } else {
                topLevel.add(e.getKey());
              }
            });
    out.append("\n## spec\n\n");
    table(out, scalars);
    for (String section : topLevel) {
      JsonNode node = spec.path("properties").path(section);
      out.append("\n## spec.").append(section).append("\n\n");
      if (node.has("description")) {
        out.append(oneLine(node.path("description").asText())).append("\n\n");
      }
      List<Row> rows = new ArrayList<>();
      collect("spec." + section, node, rows);
      table(out, rows);
    }
    JsonNode status = root.path("status");
    if (!status.isMissingNode()) {
      out.append("\n## status\n\nWritten by the operator only.\n\n");
      List<Row> rows = new ArrayList<>();
      collect("status", status, rows);
      table(out, rows);
    }
    return out.toString();
  }

  private static boolean required(JsonNode parent, String field) {
    for (JsonNode name : parent.path("required")) {
      if (name.asText().equals(field)) {
        return true;
      }
    }
    return false;
  }

  /** Every field below {@code node}, depth first, arrays of objects as {@code path[]}. */
  private static void collect(String path, JsonNode node, List<Row> rows) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String fieldPath = path + "." + field.getKey();
      JsonNode schema = field.getValue();
      rows.add(Row.of(fieldPath, schema, required(node, field.getKey())));
      if (schema.has("properties")) {
        collect(fieldPath, schema, rows);
      } else if (schema.path("items").has("properties")) {
        collect(fieldPath + "[]", schema.path("items"), rows);
      }
    }
  }

  private static void table(StringBuilder out, List<Row> rows) {
    out.append("| field | type | default | allowed | description |\n");
    out.append("|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| `")
          .append(row.path())
          .append("`")
          .append(row.required() ? " (required)" : "")
          .append(" | ")
          .append(row.type())
          .append(" | ")
          .append(row.defaultValue())
          .append(" | ")
          .append(row.allowed())
          .append(" | ")
          .append(row.description())
          .append(" |\n");
    }
  }

  static String oneLine(String text) {
    return text.replace("\n", " ").replace("|", "\\|").trim();
  }

  /** One field of the reference. */
  record Row(
      String path,
      boolean required,
      String type,
      String defaultValue,
      String allowed,
      String description) {

    static Row of(String path, JsonNode schema, boolean required) {
      String type = schema.path("type").asText("");
      if (type.equals("array")) {
        type = "array of " + schema.at("/items/type").asText("object");
      } else if (type.equals("object") && schema.has("additionalProperties")) {
        type = "map of " + schema.at("/additionalProperties/type").asText("object");
      } else if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
        type = "int or string";
      }
      String defaultValue =
          schema.has("default")
              ? "`" + schema.path("default").toString().replace("|", "\\|") + "`"
              : "";
      List<String> allowed = new ArrayList<>();
      if (schema.has("enum")) {
        List<String> values = new ArrayList<>();
        schema.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
        allowed.add(String.join(", ", values));
      }
      JsonNode items = schema.path("items");
      if (items.has("enum")) {
        List<String> values = new ArrayList<>();
        items.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
        allowed.add("each: " + String.join(", ", values));
      }
      bound(allowed, schema, "minimum", "≥ ");
      bound(allowed, schema, "maximum", "≤ ");
      bound(allowed, schema, "minLength", "length ≥ ");
      bound(allowed, schema, "maxLength", "length ≤ ");
      bound(allowed, schema, "minItems", "items ≥ ");
      bound(allowed, schema, "maxItems", "items ≤ ");
      bound(allowed, items, "minimum", "each ≥ ");
      bound(allowed, items, "maximum", "each ≤ ");
      if (schema.has("pattern")) {
        allowed.add("pattern `" + schema.path("pattern").asText().replace("|", "\\|") + "`");
      }
      return new Row(
          path,
          required,
          type,
          defaultValue,
          String.join("; ", allowed),
          oneLine(schema.path("description").asText("")));
    }

    private static void bound(List<String> allowed, JsonNode schema, String key, String prefix) {
      JsonNode value = schema.path(key);
      if (value.isNumber()) {
        // Integral bounds read as doubles from the YAML (1000.0); show them as written.
        allowed.add(
            prefix
                + (value.asDouble() == Math.rint(value.asDouble())
                    ? Long.toString(value.asLong())
                    : value.asText()));
      }
    }
  }
}
