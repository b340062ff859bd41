package io.outrigger.sidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;

/**
 * The config as {@code /config} shows it: exporter header values (API keys, bearer tokens) replaced
 * by {@value #REDACTED}; names stay, so people can see which headers are set.
 */
public final class Redaction {
  public static final String REDACTED = "<redacted>";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Redaction() {}

  public static JsonNode redacted(SidecarConfig config) {
    try {
      JsonNode tree = JSON.readTree(SidecarConfigCodec.toJson(config));
      JsonNode headers = tree.path("tracing").path("exporter").path("headers");
      if (headers instanceof ObjectNode object) {
        object
            .properties()
            .forEach(entry -> entry.setValue(JSON.getNodeFactory().textNode(REDACTED)));
      }
      return tree;
    } catch (Exception e) {
      throw new IllegalStateException("a SidecarConfig always serialises", e);
    }
  }
}
