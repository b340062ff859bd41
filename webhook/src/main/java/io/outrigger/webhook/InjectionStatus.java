package io.outrigger.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.outrigger.api.policy.EffectivePolicy;
import java.util.Locale;

/**
 * The {@code outrigger.io/status} annotation: what was injected, so the operator can tell
 * up-to-date pods from outdated ones (another config hash or sidecar version) without guessing.
 */
@JsonPropertyOrder({"version", "policy", "configHash", "mode", "interception"})
public record InjectionStatus(
    String version, String policy, String configHash, String mode, String interception) {

  static InjectionStatus of(EffectivePolicy policy, ClusterFacts facts, InjectionPlan plan) {
    return new InjectionStatus(
        facts.sidecarVersion(),
        policy.name(),
        policy.configHash(),
        plan.nativeSidecar() ? "native" : "classic",
        plan.interception().name().toLowerCase(Locale.ROOT));
  }

  public String toJson() {
    return PodJson.write(this);
  }
}
