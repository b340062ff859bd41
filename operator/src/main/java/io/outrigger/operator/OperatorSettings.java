package io.outrigger.operator;

import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.SidecarResources;
import io.outrigger.webhook.ClusterFacts;
import java.time.Duration;
import java.util.Set;

/**
 * How this operator was installed.
 *
 * @param sidecarImage the default sidecar image the webhook injects
 * @param sidecarVersion the sidecar version the webhook writes into {@code outrigger.io/status};
 *     injected pods with another version count as outdated
 * @param operatorNamespace where the operator runs (never injected; holds its Secret and Lease)
 * @param watchedNamespaces namespaces to reconcile policies in; empty means all
 * @param reportTtl how long a sidecar's report counts without a heartbeat
 * @param statusInterval the least time between two status writes of a policy (a spec edit is
 *     written at once)
 * @param tokenCacheTtl how long an accepted sidecar token is remembered (zero: not at all)
 * @param reportUrl where injected sidecars POST their reports (this operator's {@code /v1/reports}
 *     behind its Service), or null: sidecars do not report
 * @param reportCaFile the CA bundle that signs this operator's serving certificate, written into
 *     every injected pod and every report answer for the sidecars to trust; null when reports are
 *     off
 * @param sidecarResources the sidecar resources of every policy that leaves them out
 */
public record OperatorSettings(
    String sidecarImage,
    String sidecarVersion,
    String operatorNamespace,
    Set<String> watchedNamespaces,
    Duration reportTtl,
    Duration statusInterval,
    Duration tokenCacheTtl,
    String reportUrl,
    String reportCaFile,
    EffectivePolicy.Resources sidecarResources) {

  /** With the project's built-in sidecar resources. */
  public OperatorSettings(
      String sidecarImage,
      String sidecarVersion,
      String operatorNamespace,
      Set<String> watchedNamespaces,
      Duration reportTtl,
      Duration statusInterval,
      Duration tokenCacheTtl,
      String reportUrl,
      String reportCaFile) {
    this(
        sidecarImage,
        sidecarVersion,
        operatorNamespace,
        watchedNamespaces,
        reportTtl,
        statusInterval,
        tokenCacheTtl,
        reportUrl,
        reportCaFile,
        SidecarResources.BUILT_IN);
  }

  /** The API server's own default for its webhook token authenticator's cache. */
  public static final Duration DEFAULT_TOKEN_CACHE_TTL = Duration.ofMinutes(2);

  /** Sidecars told nothing about reporting (tests that post reports themselves). */
  public OperatorSettings(
      String sidecarImage,
      String sidecarVersion,
      String operatorNamespace,
      Set<String> watchedNamespaces,
      Duration reportTtl,
      Duration statusInterval,
      Duration tokenCacheTtl) {
    this(
        sidecarImage,
        sidecarVersion,
        operatorNamespace,
        watchedNamespaces,
        reportTtl,
        statusInterval,
        tokenCacheTtl,
        null,
        null);
  }

  /** With the default token cache. */
  public OperatorSettings(
      String sidecarImage,
      String sidecarVersion,
      String operatorNamespace,
      Set<String> watchedNamespaces,
      Duration reportTtl,
      Duration statusInterval) {
    this(
        sidecarImage,
        sidecarVersion,
        operatorNamespace,
        watchedNamespaces,
        reportTtl,
        statusInterval,
        DEFAULT_TOKEN_CACHE_TTL);
  }

  /** Sidecars report on change and every 30 s; three missed heartbeats forget a pod. */
  public static final Duration DEFAULT_REPORT_TTL = Duration.ofSeconds(90);

  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);

  /** The facts injection needs, for the API server version given. */
  public ClusterFacts clusterFacts(String serverMajor, String serverMinor) {
    ClusterFacts facts =
        ClusterFacts.of(serverMajor, serverMinor, sidecarImage, sidecarVersion, operatorNamespace);
    return reportUrl == null ? facts : facts.withReportUrl(reportUrl);
  }

  /**
   * Namespaces never injected, the same set the webhook uses (the minor version does not matter).
   */
  public Set<String> excludedNamespaces() {
    return clusterFacts("1", "0").excludedNamespaces();
  }
}
