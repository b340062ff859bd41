package io.outrigger.webhook;

import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.InterceptionMode;
import java.util.Optional;

/**
 * The interception mode a pod gets: the one asked for (pod annotation, else policy), unless the
 * namespace enforces a Pod Security level that refuses the iptables init container. The pod would
 * then be refused after this webhook, so a Deployment would create nothing; it gets {@code port}
 * instead, which needs no privileges, and {@link #fallback} says so (docs/webhook.md, "Pod Security
 * admission").
 *
 * @param mode the mode injected
 * @param fallback why {@code mode} is not the one asked for; empty when it is
 */
public record InterceptionChoice(InterceptionMode mode, Optional<String> fallback) {

  /**
   * @param requested the mode asked for
   * @param initNeeded whether iptables would add an init container (something to redirect): where
   *     it adds none, the level has nothing to refuse
   * @param namespace for the message
   */
  public static InterceptionChoice choose(
      InterceptionMode requested,
      boolean initNeeded,
      PodSecurityEnforcement enforcement,
      String namespace,
      boolean captureOutbound) {
    if (requested != InterceptionMode.IPTABLES || !initNeeded || enforcement.admitsIptablesInit()) {
      return new InterceptionChoice(requested, Optional.empty());
    }
    return new InterceptionChoice(
        InterceptionMode.PORT, Optional.of(message(enforcement, namespace, captureOutbound)));
  }

  /**
   * What the policy's pods get in a namespace enforcing {@code enforcement}, for the policy's
   * status: the sentence when its iptables mode is replaced by port (for its pods that have ports
   * to redirect or capture outbound traffic), empty otherwise. A pod annotation may still ask for
   * another mode; the admission answer names that.
   */
  public static Optional<String> forPolicy(
      EffectivePolicy policy, PodSecurityEnforcement enforcement) {
    boolean proxy = policy.sidecar().proxy().enabled();
    return proxy
        ? choose(
                policy.injection().interception(),
                true,
                enforcement,
                policy.namespace(),
                policy.injection().captureOutbound())
            .fallback()
        : Optional.empty();
  }

  private static String message(
      PodSecurityEnforcement enforcement, String namespace, boolean captureOutbound) {
    return "interception port, not iptables: namespace "
        + namespace
        + " enforces Pod Security "
        + enforcement.describe()
        + ", which refuses the iptables init container (root, NET_ADMIN, NET_RAW); only Services"
        + " targeting named ports reach the sidecar"
        + (captureOutbound ? "; outbound not captured" : "");
  }
}
