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

/** The ambassador proxy for the app's calls out (HTTP_PROXY or transparent capture). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutboundSpec {

  @JsonPropertyDescription("Run the outbound proxy on 127.0.0.1:15001.")
  @Default("false")
  private Boolean enabled;

  @JsonPropertyDescription("How long an outbound request may take.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.OUTBOUND_TIMEOUT)
  private String timeout;

  @JsonPropertyDescription("Retries of idempotent requests after a connect failure, 502 or 503.")
  @Default("2")
  @Min(0)
  @Max(10)
  private Integer maxRetries;

  @JsonPropertyDescription("Retries may add at most this fraction of requests per destination.")
  @Default("0.2")
  @Min(0)
  @Max(1)
  private Double retryBudgetRatio;

  @JsonPropertyDescription("Consecutive failures that open a destination's circuit.")
  @Default("5")
  @Min(1)
  @Max(1000)
  private Integer circuitBreakerFailures;

  @JsonPropertyDescription("How long an open circuit fails fast before one trial request.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.CIRCUIT_BREAKER_OPEN)
  private String circuitBreakerOpenDuration;

  @JsonPropertyDescription(
      "Absolute path of a file whose content is sent as a bearer token on outbound requests to the destinations in bearerTokenDestinations, and to no other.")
  @Pattern("^/.*")
  private String bearerTokenFile;

  @JsonPropertyDescription(
      "The only destinations that get the bearer token (when the app sent no Authorization of its own). Empty: none does. Only over HTTPS unless a destination sets allowPlainHttp.")
  @Size(max = 64)
  private List<TokenDestinationSpec> bearerTokenDestinations;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public Integer getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  public Double getRetryBudgetRatio() {
    return retryBudgetRatio;
  }

  public void setRetryBudgetRatio(Double retryBudgetRatio) {
    this.retryBudgetRatio = retryBudgetRatio;
  }

  public Integer getCircuitBreakerFailures() {
    return circuitBreakerFailures;
  }

  public void setCircuitBreakerFailures(Integer circuitBreakerFailures) {
    this.circuitBreakerFailures = circuitBreakerFailures;
  }

  public String getCircuitBreakerOpenDuration() {
    return circuitBreakerOpenDuration;
  }

  public void setCircuitBreakerOpenDuration(String circuitBreakerOpenDuration) {
    this.circuitBreakerOpenDuration = circuitBreakerOpenDuration;
  }

  public String getBearerTokenFile() {
    return bearerTokenFile;
  }

  public void setBearerTokenFile(String bearerTokenFile) {
    this.bearerTokenFile = bearerTokenFile;
  }

  public List<TokenDestinationSpec> getBearerTokenDestinations() {
    return bearerTokenDestinations;
  }

  public void setBearerTokenDestinations(List<TokenDestinationSpec> bearerTokenDestinations) {
    this.bearerTokenDestinations = bearerTokenDestinations;
  }
}
