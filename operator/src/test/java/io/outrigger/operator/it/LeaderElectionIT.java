package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.report.ReportMetrics;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator instances, each with its own client, against one real API server: only the Lease
 * holder reconciles, both serve the admission view, and when the holder stops the other takes over
 * within the lease time.
 */
class LeaderElectionIT {
  private static final String NS = "op-leader";
  private static final Duration LEASE = Duration.ofSeconds(6);

  private static KubernetesClient admin;
  private static final Instance[] instances = new Instance[2];

  private record Instance(
      String identity,
      KubernetesClient client,
      OutriggerOperator operator,
      CountingMetrics metrics) {
    void stop() {
      operator.close();
      client.close();
    }
  }

  private static Instance start(String identity) {
    KubernetesClient client = RealKubeApiServer.client();
    CountingMetrics metrics = new CountingMetrics();
    OutriggerOperator operator =
        OutriggerOperator.start(
            client,
            new OperatorSettings(
                "registry.local/outrigger-sidecar",
                ApiServer.VERSION,
                ApiServer.OPERATOR_NAMESPACE,
                Set.of(NS),
                OperatorSettings.DEFAULT_REPORT_TTL,
                Duration.ofSeconds(1)),
            metrics,
            ReportMetrics.NONE,
            Optional.of(
                OutriggerOperator.leaderElection(
                    ApiServer.OPERATOR_NAMESPACE, identity, LEASE, () -> {})),
            Clock.systemUTC());
    return new Instance(identity, client, operator, metrics);
  }

  @BeforeAll
  static void startBoth() throws Exception {
    admin = RealKubeApiServer.client();
    ApiServer.applyCrd(admin);
    ApiServer.namespace(admin, NS);
    ApiServer.namespace(admin, ApiServer.OPERATOR_NAMESPACE);
    instances[0] = start("replica-a");
    instances[1] = start("replica-b");
  }

  @AfterAll
  static void stopAll() {
    for (Instance instance : instances) {
      if (instance != null) {
        try {
          instance.stop();
        } catch (RuntimeException e) {
          // already stopped by the test
        }
      }
    }
    if (admin != null) {
      admin.close();
    }
  }

  private static Optional<String> holder() {
    Lease lease =
        admin
            .leases()
            .inNamespace(ApiServer.OPERATOR_NAMESPACE)
            .withName(OperatorNames.LEASE)
            .get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
  }

  private static boolean ready(String name) {
    ObservabilityPolicy policy =
        admin.resources(ObservabilityPolicy.class).inNamespace(NS).withName(name).get();
    return PolicyStatusBuilder.find(policy.getStatus(), OperatorNames.READY)
        .map(c -> "True".equals(c.getStatus()))
        .orElse(false);
  }

  @Test
  void onlyTheLeaseHolderReconcilesAndTheOtherTakesOverWhenItStops() {
    // Another test's operator may have held the Lease last; wait for one of ours to take it.
    Set<String> ours = Set.of(instances[0].identity(), instances[1].identity());
    await().atMost(Duration.ofSeconds(60)).until(() -> holder().filter(ours::contains).isPresent());
    String leaderId = holder().orElseThrow();
    Instance leader = instances[0].identity().equals(leaderId) ? instances[0] : instances[1];
    Instance standby = leader == instances[0] ? instances[1] : instances[0];

    admin.resource(ApiServer.policy(NS, "first", new ObservabilityPolicySpec())).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("first"));
    assertThat(leader.metrics().reconciles.get()).isPositive();
    assertThat(standby.metrics().reconciles.get()).as("the standby reconciles nothing").isZero();
    // Every replica serves admission: the standby's view has the policy too.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> standby.operator().clusterView().policies(NS).size() == 1);

    long stoppedAt = System.nanoTime();
    leader.stop();
    admin.resource(ApiServer.policy(NS, "second", new ObservabilityPolicySpec())).create();
    await()
        .atMost(LEASE.multipliedBy(2).plusSeconds(10))
        .until(() -> holder().equals(Optional.of(standby.identity())) && ready("second"));
    Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
    assertThat(standby.metrics().reconciles.get()).isPositive();
    assertThat(takeover)
        .as("taken over within the lease time (plus a retry period and the reconcile)")
        .isLessThan(LEASE.plus(LEASE.dividedBy(5)).plusSeconds(5));
  }
}
