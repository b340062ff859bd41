package io.outrigger.sidecar.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.config.SidecarReport;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns the admin {@code /status} document into the report the operator reads. Pure. */
public final class ReportDocument {
  /** The reporter's own state is in /status but not in the report: it would report itself. */
  static final String OWN_COMPONENT = "report";

  private ReportDocument() {}

  public static SidecarReport from(JsonNode status) {
    Map<String, String> components = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = status.path("components").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> component = fields.next();
      if (!component.getKey().equals(OWN_COMPONENT)) {
        components.put(component.getKey(), component.getValue().path("state").asText("unknown"));
      }
    }
    List<SidecarReport.ComponentError> errors = new ArrayList<>();
    for (JsonNode error : status.path("errors")) {
      errors.add(
          new SidecarReport.ComponentError(
              error.path("component").asText(), error.path("message").asText()));
    }
    Map<String, Long> counters = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> counterFields = status.path("counters").fields();
    while (counterFields.hasNext()) {
      Map.Entry<String, JsonNode> counter = counterFields.next();
      counters.put(counter.getKey(), counter.getValue().asLong());
    }
    JsonNode pod = status.path("pod");
    return new SidecarReport(
        pod.path("namespace").asText(),
        pod.path("name").asText(),
        policyName(status.path("policy").asText()),
        status.path("config").path("givenHash").asText(),
        status.path("sidecarVersion").asText(),
        components,
        errors,
        counters,
        status.path("config").path("restartRequired").size() > 0);
  }

  /** The config names its policy {@code namespace/name}; the report's namespace is the pod's. */
  static String policyName(String qualified) {
    return qualified.substring(qualified.lastIndexOf('/') + 1);
  }
}
