package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** JSON lines over HTTP POST. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpOutputSpec {

  @JsonPropertyDescription("The URL to POST batches to.")
  @Required
  private String url;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }
}
