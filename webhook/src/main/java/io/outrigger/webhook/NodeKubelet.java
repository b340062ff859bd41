package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node as far as the sidecar's placement cares: its name and labels (to tell which nodes may run
 * a pod) and the version its kubelet reports ({@code status.nodeInfo.kubeletVersion}), which
 * decides whether it runs native sidecars.
 *
 * @param kubeletVersion as reported: {@code v1.29.3}, {@code v1.28.5-eks-5e0fdde}, {@code
 *     v1.30.1+k3s1}; {@code null} when the node has not reported one yet
 */
public record NodeKubelet(String name, Map<String, String> labels, String kubeletVersion) {

  /** Native sidecars ({@code restartPolicy: Always} init containers) run on kubelets from 1.29. */
  public static final int NATIVE_SIDECAR_MINOR = ClusterFacts.NATIVE_SIDECAR_MINOR;

  // "v" major "." minor, then a patch or a distribution's suffix, if anything.
  private static final Pattern VERSION =
      Pattern.compile("v([1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})([.+-].*)?");

  public NodeKubelet {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static NodeKubelet of(Node node) {
    String version =
        node.getStatus() == null || node.getStatus().getNodeInfo() == null
            ? null
            : node.getStatus().getNodeInfo().getKubeletVersion();
    return new NodeKubelet(node.getMetadata().getName(), node.getMetadata().getLabels(), version);
  }

  /**
   * True when the kubelet runs {@code restartPolicy: Always} init containers as sidecars. A 1.28
   * kubelet does only with the {@code SidecarContainers} feature gate on, which the node list does
   * not show, so it counts as not; an unreadable version counts as not either.
   */
  public boolean runsNativeSidecars() {
    Matcher version = VERSION.matcher(kubeletVersion == null ? "" : kubeletVersion);
    if (!version.matches()) {
      return false;
    }
    int major = Integer.parseInt(version.group(1));
    int minor = Integer.parseInt(version.group(2));
    return major > 1 || (major == 1 && minor >= NATIVE_SIDECAR_MINOR);
  }
}
