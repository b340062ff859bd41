package io.outrigger.operator.reconciler;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.InvalidPolicyException;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.policy.SidecarResources;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import java.util.Optional;

/**
 * Policies resolved once per spec: resolving renders the whole sidecar config and hashes it, and
 * every reconcile needs every policy of its namespace (who wins a pod), every pod event the
 * namespace's selectors, every admission the namespace's policies. Keyed by UID and generation (the
 * generation moves with every spec edit; name and creation time never change).
 */
public final class ResolvedPolicies {
  private final Cache<String, Optional<EffectivePolicy>> resolved =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private final EffectivePolicy.Resources sidecarResources;

  /** With the project's built-in sidecar resources. */
  public ResolvedPolicies() {
    this(SidecarResources.BUILT_IN);
  }

  /**
   * @param sidecarResources what a policy that leaves its sidecar resources out gets
   */
  public ResolvedPolicies(EffectivePolicy.Resources sidecarResources) {
    this.sidecarResources = sidecarResources;
  }

  /** The policy resolved, or null when it is invalid (it injects nothing; its status says why). */
  public EffectivePolicy resolveOrNull(ObservabilityPolicy policy) {
    String uid = policy.getMetadata().getUid();
    if (uid == null) {
      return resolveUncached(policy);
    }
    return resolved
        .get(
            uid + "/" + policy.getMetadata().getGeneration(),
            key -> Optional.ofNullable(resolveUncached(policy)))
        .orElse(null);
  }

  private EffectivePolicy resolveUncached(ObservabilityPolicy policy) {
    try {
      return PolicyResolver.resolve(policy, sidecarResources);
    } catch (InvalidPolicyException e) {
      return null;
    }
  }
}
