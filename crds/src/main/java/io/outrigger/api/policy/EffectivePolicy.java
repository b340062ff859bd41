package io.outrigger.api.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.outrigger.api.v1alpha1.SidecarMode;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import java.time.Instant;
import java.util.List;

/**
 * A valid policy with every default resolved: what the webhook injects from and the operator
 * renders.
 *
 * @param created the policy's creation time, for the oldest-wins tie break ({@link Instant#EPOCH}
 *     if unknown)
 * @param selector the pods the policy selects; {@code null} selects every opted-in pod of the
 *     namespace
 * @param sidecar the config rendered into the policy's ConfigMap
 */
public record EffectivePolicy(
    String namespace,
    String name,
    int priority,
    Instant created,
    LabelSelector selector,
    Injection injection,
    SidecarConfig sidecar) {

  /** How the sidecar is placed in the pod. */
  public record Injection(
      SidecarMode sidecarMode,
      InterceptionMode interception,
      List<Integer> inboundPorts,
      List<Integer> skipInboundPorts,
      boolean captureOutbound,
      List<String> excludeOutboundCIDRs,
      List<Integer> excludeOutboundPorts,
      String image,
      Resources resources,
      String tlsSecretName,
      boolean rewriteProbes) {}

  /** Kubernetes quantities; a {@code null} limit means none. */
  public record Resources(
      String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {}

  /** Hash of the rendered sidecar config: pods annotated with another hash are outdated. */
  public String configHash() {
    return SidecarConfigCodec.hash(sidecar);
  }
}
