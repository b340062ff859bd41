package io.outrigger.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.outrigger.operator.reconciler.InformerClusterView;
import io.outrigger.operator.reconciler.ObservabilityPolicyReconciler;
import io.outrigger.operator.reconciler.PolicyEvents;
import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.report.ReportSummary;
import java.time.Clock;
import java.util.Optional;

/**
 * The policy controller on plain JOSDK: an {@link Operator} on the given client with the {@link
 * ObservabilityPolicyReconciler} registered, plus the informer-backed cluster view that admission
 * uses on every replica. Framework-free so that tests start it against a real API server; Quarkus
 * only creates and stops it.
 */
public final class OutriggerOperator implements AutoCloseable {
  private final Operator operator;
  private final InformerClusterView clusterView;

  private OutriggerOperator(Operator operator, InformerClusterView clusterView) {
    this.operator = operator;
    this.clusterView = clusterView;
  }

  /**
   * Starts reconciling; with a leader election configuration, only once this instance holds the
   * Lease (JOSDK starts the controller's informers on becoming leader).
   */
  public static OutriggerOperator start(
      KubernetesClient client,
      OperatorSettings settings,
      ReportSummary.Source reports,
      ReconcileMetrics metrics,
      Optional<LeaderElectionConfiguration> leaderElection,
      Clock clock) {
    InformerClusterView view = InformerClusterView.start(client);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              leaderElection.ifPresent(o::withLeaderElectionConfiguration);
            });
    ObservabilityPolicyReconciler reconciler =
        new ObservabilityPolicyReconciler(
            settings,
            view::namespaceLabels,
            reports,
            new PolicyEvents(client, clock),
            metrics,
            clock);
    operator.register(
        reconciler,
        o -> {
          if (!settings.watchedNamespaces().isEmpty()) {
            o.settingNamespaces(settings.watchedNamespaces());
          }
        });
    operator.start();
    return new OutriggerOperator(operator, view);
  }

  /** What the admission handler reads: namespaces and valid policies, from informers. */
  public InformerClusterView clusterView() {
    return clusterView;
  }

  public Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.stop();
    clusterView.close();
  }
}
