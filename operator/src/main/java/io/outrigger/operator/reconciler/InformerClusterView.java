package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.operator.report.ReportCaBundle;
import io.outrigger.webhook.NodeKubelet;
import io.outrigger.webhook.admission.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the admission handler and the pod census read from the cluster, answered from informer
 * caches: every replica serves admission, leader or not, so this view runs outside JOSDK's
 * controller (whose informers only the leader starts).
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(InformerClusterView.class.getName());

  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<ObservabilityPolicy> policies;
  private final NodeVersions nodes;
  private final ResolvedPolicies resolved;
  private final ReportCaBundle reportCa;
  private final SimpleInboundEventSource<ObservabilityPolicy> namespaceEvents =
      new SimpleInboundEventSource<>();

  private InformerClusterView(
      SharedIndexInformer<Namespace> namespaces,
      SharedIndexInformer<ObservabilityPolicy> policies,
      NodeVersions nodes,
      ResolvedPolicies resolved,
      ReportCaBundle reportCa) {
    this.namespaces = namespaces;
    this.policies = policies;
    this.nodes = nodes;
    this.resolved = resolved;
    this.reportCa = reportCa;
  }

  /**
   * Starts the namespace and policy informers and waits until their caches hold the cluster's
   * state; the node informer starts without waiting (until it has listed, sidecars are classic).
   */
  public static InformerClusterView start(
      KubernetesClient client, ResolvedPolicies resolved, ReportCaBundle reportCa) {
    SharedIndexInformer<Namespace> namespaces = client.namespaces().inform();
    SharedIndexInformer<ObservabilityPolicy> policies =
        client.resources(ObservabilityPolicy.class).inAnyNamespace().inform();
    InformerClusterView view =
        new InformerClusterView(
            namespaces, policies, NodeVersions.start(client), resolved, reportCa);
    namespaces.addEventHandler(view.new LabelChanges());
    return view;
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace found = namespaces.getStore().getByKey(namespace);
    return found == null || found.getMetadata().getLabels() == null
        ? Map.of()
        : found.getMetadata().getLabels();
  }

  @Override
  public List<EffectivePolicy> policies(String namespace) {
    return policies.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream()
        .map(resolved::resolveOrNull)
        .filter(Objects::nonNull)
        .toList();
  }

  @Override
  public Optional<List<NodeKubelet>> kubelets() {
    return nodes.kubelets();
  }

  @Override
  public Optional<String> reportCa() {
    return reportCa.current();
  }

  /** One policy as the informer holds it, resolved; empty when unknown or invalid. */
  public Optional<EffectivePolicy> policy(String namespace, String name) {
    ObservabilityPolicy found = policies.getStore().getByKey(namespace + "/" + name);
    return found == null ? Optional.empty() : Optional.ofNullable(resolved.resolveOrNull(found));
  }

  /**
   * Triggers a reconcile of every policy in a namespace whose labels changed: what a policy's pods
   * get depends on them (the Pod Security level, the injection opt-in), so its status must follow.
   */
  public SimpleInboundEventSource<ObservabilityPolicy> namespaceEvents() {
    return namespaceEvents;
  }

  /** Namespace label changes, turned into events for the namespace's policies. */
  private final class LabelChanges implements ResourceEventHandler<Namespace> {
    @Override
    public void onAdd(Namespace namespace) {
      // A namespace new to the informer holds no policy the controller has reconciled yet.
    }

    @Override
    public void onUpdate(Namespace old, Namespace updated) {
      if (!Objects.equals(old.getMetadata().getLabels(), updated.getMetadata().getLabels())) {
        String name = updated.getMetadata().getName();
        for (ObservabilityPolicy policy :
            policies.getIndexer().byIndex(Cache.NAMESPACE_INDEX, name)) {
          propagate(new ResourceID(policy.getMetadata().getName(), name));
        }
      }
    }

    @Override
    public void onDelete(Namespace namespace, boolean deletedFinalStateUnknown) {
      // Its policies go with it.
    }

    private void propagate(ResourceID id) {
      try {
        namespaceEvents.propagateEvent(id);
      } catch (RuntimeException e) {
        // Not the leader (the controller is not started): the leader sees the same change.
        LOG.log(Level.FINE, "namespace event not delivered: " + e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    namespaces.close();
    policies.close();
    nodes.close();
  }
}
