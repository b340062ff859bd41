package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import java.util.List;

/** The inbound proxy in front of the app and the outbound ambassador. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProxySpec {

  @JsonPropertyDescription(
      "Proxy inbound traffic. When false, nothing is intercepted and only metrics, logs and health run.")
  @Default("true")
  private Boolean enabled;

  @JsonPropertyDescription("How long to wait for a connection to the app before answering 503.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.CONNECT_TIMEOUT)
  private String connectTimeout;

  @JsonPropertyDescription(
      "How long the app may take to start answering before the proxy answers 504.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.REQUEST_TIMEOUT)
  private String requestTimeout;

  @JsonPropertyDescription("Client connections idle this long are closed.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.IDLE_TIMEOUT)
  private String idleTimeout;

  @JsonPropertyDescription(
      "On shutdown, how long in-flight requests may take to finish. Keep it below the pod's terminationGracePeriodSeconds.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.DRAIN_TIMEOUT)
  private String drainTimeout;

  @JsonPropertyDescription("Largest request header block accepted; larger gets 431.")
  @Default("8192")
  @Min(1024)
  @Max(1048576)
  private Integer maxHeaderBytes;

  @JsonPropertyDescription("Keep-alive connections to the app per app port.")
  @Default("128")
  @Min(1)
  @Max(10000)
  private Integer maxConnectionsPerPort;

  @JsonPropertyDescription(
      "Token-bucket limit per listener; over it a request gets 429 with Retry-After. Off when absent.")
  private RateLimitSpec rateLimit;

  @JsonPropertyDescription(
      "Terminate TLS on the inbound listeners with a certificate from a Secret. Off when absent.")
  private TlsSpec tls;

  @JsonPropertyDescription(
      "Path templates such as /users/{id} that give the request metrics a bounded route label; other paths count as \"other\".")
  @Size(max = 200)
  private List<String> routePatterns;

  @JsonPropertyDescription("The ambassador on 127.0.0.1:15001 for the app's own calls out.")
  private OutboundSpec outbound;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(String connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public String getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(String requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public String getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(String idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public String getDrainTimeout() {
    return drainTimeout;
  }

  public void setDrainTimeout(String drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  public Integer getMaxHeaderBytes() {
    return maxHeaderBytes;
  }

  public void setMaxHeaderBytes(Integer maxHeaderBytes) {
    this.maxHeaderBytes = maxHeaderBytes;
  }

  public Integer getMaxConnectionsPerPort() {
    return maxConnectionsPerPort;
  }

  public void setMaxConnectionsPerPort(Integer maxConnectionsPerPort) {
    this.maxConnectionsPerPort = maxConnectionsPerPort;
  }

  public RateLimitSpec getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(RateLimitSpec rateLimit) {
    this.rateLimit = rateLimit;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }

  public List<String> getRoutePatterns() {
    return routePatterns;
  }

  public void setRoutePatterns(List<String> routePatterns) {
    this.routePatterns = routePatterns;
  }

  public OutboundSpec getOutbound() {
    return outbound;
  }

  public void setOutbound(OutboundSpec outbound) {
    this.outbound = outbound;
  }
}
