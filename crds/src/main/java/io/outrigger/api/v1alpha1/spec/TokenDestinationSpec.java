package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A destination the outbound ambassador may send its bearer token to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TokenDestinationSpec {

  @JsonPropertyDescription(
      "Host as the app calls it: a name (api.example.com), an address (10.0.0.5), or *.example.com for every name under a domain (not the domain itself). No scheme, port or path.")
  @Required
  private String host;

  @JsonPropertyDescription("Destination port; empty: any port.")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "Also send the token over plain HTTP (including captured connections), where it crosses the network in clear and the destination is not authenticated. Off: only over HTTPS, whose certificate and host name the ambassador verifies.")
  @Default("false")
  private Boolean allowPlainHttp;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Boolean getAllowPlainHttp() {
    return allowPlainHttp;
  }

  public void setAllowPlainHttp(Boolean allowPlainHttp) {
    this.allowPlainHttp = allowPlainHttp;
  }
}
