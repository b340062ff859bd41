package io.outrigger.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Walks an openAPIV3Schema and lists the paths of properties that have no description. */
final class CrdSchemaWalker {
  private CrdSchemaWalker() {}

  /**
   * Paths (like spec.proxy.rateLimit.burst) under {@code schema} whose property has no description.
   */
  static List<String> undocumented(JsonNode schema, String path) {
    List<String> missing = new ArrayList<>();
    walk(schema, path, missing);
    return missing;
  }

  /** Every property path under {@code schema}, to show the walk really went deep. */
  static List<String> allPaths(JsonNode schema, String path) {
    List<String> paths = new ArrayList<>();
    collect(schema, path, paths);
    return paths;
  }

  private static void walk(JsonNode schema, String path, List<String> missing) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String child = path + "." + property.getKey();
      JsonNode description = property.getValue().get("description");
      if (description == null || description.asText().isBlank()) {
        missing.add(child);
      }
      walk(property.getValue(), child, missing);
    }
    if (schema.has("items")) {
      walk(schema.get("items"), path + "[]", missing);
    }
  }

  private static void collect(JsonNode schema, String path, List<String> paths) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String child = path + "." + property.getKey();
      paths.add(child);
      collect(property.getValue(), child, paths);
    }
    if (schema.has("items")) {
      collect(schema.get("items"), path + "[]", paths);
    }
  }
}
