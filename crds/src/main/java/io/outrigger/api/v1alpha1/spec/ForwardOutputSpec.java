package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.outrigger.config.Defaults;

/** Fluentd forward protocol v1 (msgpack, PackedForward batches). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ForwardOutputSpec {

  @JsonPropertyDescription("Receiver host name or address.")
  @Required
  private String host;

  @JsonPropertyDescription("Receiver port.")
  @Default("24224")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription("Fluentd tag of the records.")
  @Default(Defaults.FORWARD_TAG)
  @Pattern("^[a-zA-Z0-9_.-]+$")
  private String tag;

  @JsonPropertyDescription(
      "Wait for the receiver's ack before a batch counts as delivered (at-least-once).")
  @Default("true")
  private Boolean requireAck;

  @JsonPropertyDescription("Connect with TLS.")
  @Default("false")
  private Boolean tls;

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

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }

  public Boolean getRequireAck() {
    return requireAck;
  }

  public void setRequireAck(Boolean requireAck) {
    this.requireAck = requireAck;
  }

  public Boolean getTls() {
    return tls;
  }

  public void setTls(Boolean tls) {
    this.tls = tls;
  }
}
