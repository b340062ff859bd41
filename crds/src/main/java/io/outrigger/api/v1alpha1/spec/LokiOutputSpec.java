package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Map;

/** The Loki push API (JSON). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LokiOutputSpec {

  @JsonPropertyDescription("Loki base URL, e.g. http://loki:3100.")
  @Required
  private String url;

  @JsonPropertyDescription("Static stream labels added to namespace, pod and container.")
  private Map<String, String> labels;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }
}
