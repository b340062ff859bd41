package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;

/** Probe rewriting and readiness. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthSpec {

  @JsonPropertyDescription(
      "Rewrite the app's HTTP, TCP and gRPC probes to go through the sidecar (port 15020), which runs the original probe; exec probes are left alone.")
  @Default("true")
  private Boolean rewriteProbes;

  @JsonPropertyDescription("The sidecar is ready only when the app is.")
  @Default("true")
  private Boolean readinessIncludesApp;

  @JsonPropertyDescription("Timeout of a probe the sidecar runs against the app.")
  @Pattern(DurationText.PATTERN)
  @Default(Defaults.PROBE_TIMEOUT)
  private String probeTimeout;

  public Boolean getRewriteProbes() {
    return rewriteProbes;
  }

  public void setRewriteProbes(Boolean rewriteProbes) {
    this.rewriteProbes = rewriteProbes;
  }

  public Boolean getReadinessIncludesApp() {
    return readinessIncludesApp;
  }

  public void setReadinessIncludesApp(Boolean readinessIncludesApp) {
    this.readinessIncludesApp = readinessIncludesApp;
  }

  public String getProbeTimeout() {
    return probeTimeout;
  }

  public void setProbeTimeout(String probeTimeout) {
    this.probeTimeout = probeTimeout;
  }
}
