package io.outrigger.operator;

import io.outrigger.api.Names;

/**
 * Names, labels, annotations, condition types and event reasons the operator itself owns (the
 * shared ones live in {@link Names}).
 */
public final class OperatorNames {
  private OperatorNames() {}

  /** Who wrote an object: the operator's field manager, event source and managed-by label. */
  public static final String COMPONENT = "outrigger-operator";

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  /**
   * Label selector of the ConfigMaps the operator renders (its ConfigMap informer watches these).
   */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + COMPONENT;

  /** Label on a rendered ConfigMap naming its policy (for {@code kubectl get cm -l}). */
  public static final String POLICY_LABEL = Names.PREFIX + "policy";

  /** Annotation and label on a rendered ConfigMap: the hash of its {@code sidecar.json}. */
  public static final String CONFIG_HASH = Names.PREFIX + "config-hash";

  /** Condition types (DESIGN "Operator"). */
  public static final String READY = "Ready";

  public static final String VALID = "Valid";
  public static final String CONFLICT = "Conflict";
  public static final String DEGRADED = "Degraded";

  /**
   * True when the namespace's Pod Security level makes the policy's pods get port, not iptables.
   */
  public static final String INTERCEPTION_FALLBACK = "InterceptionFallback";

  /** Condition reasons and event reasons: CamelCase words for programs. */
  public static final String REASON_RENDERED = "ConfigRendered";

  public static final String REASON_INVALID = "InvalidPolicy";
  public static final String REASON_VALID = "PolicyValid";
  public static final String REASON_LOST_TO = "SelectedByOtherPolicy";
  public static final String REASON_NO_CONFLICT = "NoConflict";
  public static final String REASON_MISSED = "PodsWithoutSidecar";
  public static final String REASON_SIDECAR_ERRORS = "SidecarErrors";
  public static final String REASON_HEALTHY = "AsExpected";
  public static final String REASON_SIDECAR_MISSING = "SidecarMissing";
  public static final String REASON_POD_SECURITY = "PodSecurityRefusesIptables";
  public static final String REASON_AS_REQUESTED = "InterceptionAsRequested";

  /** Pod labels the pod informers select on: opted in by label, or injected by the webhook. */
  public static final String OPTED_IN_PODS = Names.INJECT;

  public static final String INJECTED_PODS = Names.INJECTED;

  /** Secret holding the webhook's CA and serving certificate (unless cert-manager owns it). */
  public static final String WEBHOOK_SECRET = "outrigger-webhook-tls";

  /** The MutatingWebhookConfiguration whose caBundle the operator keeps current. */
  public static final String WEBHOOK_CONFIGURATION = "outrigger";

  /** The Lease the replicas compete for; only its holder reconciles. */
  public static final String LEASE = "outrigger-operator-leader";
}
