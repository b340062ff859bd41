package io.outrigger.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

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

  /** A pod's annotation, read back; empty when it has none or it does not parse. */
  public static Optional<InjectionStatus> of(Pod pod) {
    String json = PodFacts.annotations(pod).get(Names.STATUS);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(PodJson.MAPPER.readValue(json, InjectionStatus.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public String toJson() {
    return PodJson.write(this);
  }
}
