package io.outrigger.webhook;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What injection needs to know about the cluster and the installation, gathered once by the caller
 * so {@link SidecarInjector} stays a pure function.
 *
 * @param serverMajor the API server's major version (1)
 * @param serverMinor the API server's minor version (e.g. 29); native sidecars need 1.29
 * @param defaultImage the sidecar image the operator was installed with; a policy may override it
 * @param sidecarVersion the sidecar version written into {@code outrigger.io/status}
 * @param operatorNamespace where the operator (and this webhook) runs; never injected
 * @param reportUrl where sidecars POST their reports (the operator's {@code /v1/reports}), or null
 *     when nobody collects them
 * @param kubelets the cluster's nodes and their kubelet versions, as last listed (native sidecars
 *     also need the kubelet that runs the pod to be 1.29+: {@link NativeSidecarSupport}); {@code
 *     null} when they could not be listed, which keeps sidecars classic
 * @param reportCa the PEM bundle that signs the operator's report endpoint, written into each
 *     injected pod for its sidecar to trust; null when reports are off or it is not written yet
 */
public record ClusterFacts(
    int serverMajor,
    int serverMinor,
    String defaultImage,
    String sidecarVersion,
    String operatorNamespace,
    String reportUrl,
    List<NodeKubelet> kubelets,
    String reportCa) {

  /**
   * Native sidecars ({@code restartPolicy: Always} init containers) are on by default from 1.29.
   */
  public static final int NATIVE_SIDECAR_MINOR = 29;

  public ClusterFacts {
    Objects.requireNonNull(defaultImage, "defaultImage");
    Objects.requireNonNull(sidecarVersion, "sidecarVersion");
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    kubelets = kubelets == null ? null : List.copyOf(kubelets);
  }

  /**
   * Facts for an installation whose sidecars do not report (tests, webhook-only setups), with the
   * nodes not listed yet.
   */
  public ClusterFacts(
      int serverMajor,
      int serverMinor,
      String defaultImage,
      String sidecarVersion,
      String operatorNamespace) {
    this(
        serverMajor,
        serverMinor,
        defaultImage,
        sidecarVersion,
        operatorNamespace,
        null,
        null,
        null);
  }

  /** The same facts with sidecars told to report to {@code url}. */
  public ClusterFacts withReportUrl(String url) {
    return new ClusterFacts(
        serverMajor,
        serverMinor,
        defaultImage,
        sidecarVersion,
        operatorNamespace,
        url,
        kubelets,
        reportCa);
  }

  /** The same facts with the nodes as now listed ({@code null}: they cannot be listed). */
  public ClusterFacts withKubelets(List<NodeKubelet> nodes) {
    return new ClusterFacts(
        serverMajor,
        serverMinor,
        defaultImage,
        sidecarVersion,
        operatorNamespace,
        reportUrl,
        nodes,
        reportCa);
  }

  /** The same facts with the report endpoint's CA bundle as now written ({@code null}: none). */
  public ClusterFacts withReportCa(String pem) {
    return new ClusterFacts(
        serverMajor,
        serverMinor,
        defaultImage,
        sidecarVersion,
        operatorNamespace,
        reportUrl,
        kubelets,
        pem);
  }

  /**
   * Facts from the version strings the API server reports ({@code /version}: major "1", minor "20"
   * or, on some distributions, "20+").
   */
  public static ClusterFacts of(
      String major,
      String minor,
      String defaultImage,
      String sidecarVersion,
      String operatorNamespace) {
    return new ClusterFacts(
        versionNumber(major),
        versionNumber(minor),
        defaultImage,
        sidecarVersion,
        operatorNamespace);
  }

  /**
   * True when the API server keeps {@code restartPolicy} on init containers; whether the kubelets
   * run them as sidecars is {@link NativeSidecarSupport}'s question.
   */
  public boolean serverRunsNativeSidecars() {
    return serverMajor > 1 || (serverMajor == 1 && serverMinor >= NATIVE_SIDECAR_MINOR);
  }

  /**
   * Namespaces never injected: the control plane's own (a broken sidecar there could take the
   * cluster down) and the operator's (its pods serve this webhook: injecting them would make their
   * creation depend on themselves).
   */
  public Set<String> excludedNamespaces() {
    Set<String> excluded = new TreeSet<>(Set.of("kube-system", "kube-public", "kube-node-lease"));
    excluded.add(operatorNamespace);
    return excluded;
  }

  /** Leading digits of a version part: "20+" is 20, garbage is 0 (oldest behaviour: classic). */
  static int versionNumber(String part) {
    if (part == null) {
      return 0;
    }
    int end = 0;
    while (end < part.length() && Character.isDigit(part.charAt(end))) {
      end++;
    }
    return end == 0 || end > 9 ? 0 : Integer.parseInt(part.substring(0, end));
  }
}
