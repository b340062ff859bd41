package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.outrigger.webhook.NodeKubelet;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster's nodes as the webhook needs them (name, labels, kubelet version), from a node
 * informer that keeps only those fields. The list admission reads is rebuilt only after a node
 * came, went, or changed labels or kubelet version, not on every status heartbeat. Empty until the
 * informer has listed, and for good when listing nodes is forbidden: sidecars are then classic,
 * which runs on every kubelet.
 */
final class NodeVersions implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NodeVersions.class.getName());

  private final SharedIndexInformer<Node> informer;
  private volatile boolean changed = true;
  private volatile List<NodeKubelet> snapshot = List.of();

  private NodeVersions(SharedIndexInformer<Node> informer) {
    this.informer = informer;
  }

  static NodeVersions start(KubernetesClient client) {
    // Only the fields read here are kept: a node's status (images, conditions) is several KB, and
    // clusters have thousands of nodes.
    SharedIndexInformer<Node> informer =
        client
            .nodes()
            .runnableInformer(0)
            .itemStore(
                new ReducedStateItemStore<>(
                    ReducedStateItemStore.NAME_KEY_STATE,
                    Node.class,
                    client.getKubernetesSerialization(),
                    "metadata.labels",
                    "status.nodeInfo.kubeletVersion"));
    NodeVersions versions = new NodeVersions(informer);
    informer.addEventHandler(versions.new Changes());
    // Before the first list: retry, unless RBAC forbids it (the chart grants list and watch on
    // nodes; an install without them keeps classic sidecars and says so once). After it: retry
    // whatever happens, as informers do.
    informer.exceptionHandler(
        (started, t) -> {
          if (!started && forbidden(t)) {
            LOG.warning(
                "cannot list nodes ("
                    + t.getMessage()
                    + "): sidecars stay classic, since the kubelets' versions are unknown");
            return false;
          }
          return true;
        });
    informer.start();
    return versions;
  }

  private static boolean forbidden(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException e
          && (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN
              || e.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED)) {
        return true;
      }
    }
    return false;
  }

  /** The nodes as last listed; empty before the informer has listed them, or if it cannot. */
  Optional<List<NodeKubelet>> kubelets() {
    if (!informer.hasSynced() || !informer.isRunning()) {
      return Optional.empty();
    }
    if (changed) {
      synchronized (this) {
        if (changed) {
          changed = false;
          snapshot = List.copyOf(informer.getStore().list().stream().map(NodeKubelet::of).toList());
        }
      }
    }
    return Optional.of(snapshot);
  }

  /** Marks the list stale when a node changes in a way that matters here. */
  private final class Changes implements ResourceEventHandler<Node> {
    @Override
    public void onAdd(Node node) {
      changed = true;
    }

    @Override
    public void onUpdate(Node old, Node updated) {
      NodeKubelet before = NodeKubelet.of(old);
      NodeKubelet after = NodeKubelet.of(updated);
      if (!Objects.equals(before, after)) {
        changed = true;
      }
    }

    @Override
    public void onDelete(Node node, boolean deletedFinalStateUnknown) {
      changed = true;
    }
  }

  @Override
  public void close() {
    try {
      informer.close();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "node informer close: " + e.getMessage());
    }
  }
}
