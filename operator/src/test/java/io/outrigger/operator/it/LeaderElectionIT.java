package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.SidecarErrorSummary;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.report.PeerTrust;
import io.outrigger.operator.report.ReportForwarder;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator instances, each with its own client and HTTPS port, against one real API server:
 * only the Lease holder reconciles, both serve the admission view, a report POSTed to the standby
 * reaches the status (forwarded to the leader, ADR 0005), and when the holder stops the other takes
 * over within the lease time.
 *
 * <p>Each instance has a pod named like its identity in the operator's namespace, as in a
 * Deployment: status {@code podIP} 127.0.0.1 (written through the status subresource, there is no
 * kubelet) and a container port named {@code https} with the instance's port.
 */
class LeaderElectionIT {
  private static final String NS = "op-leader";
  private static final Duration LEASE = Duration.ofSeconds(6);

  private static final String SERVICE_NAME = "outrigger-webhook.outrigger-system.svc";

  private static KubernetesClient admin;
  private static TlsMaterial tls;
  private static Path certs;
  private static Https https;
  private static final Instance[] instances = new Instance[2];

  private record Instance(
      String identity,
      KubernetesClient client,
      OutriggerOperator operator,
      OperatorHttpsServer server,
      CountingMetrics metrics) {
    void stop() {
      server.close();
      operator.close();
      client.close();
    }
  }

  private static Instance start(String identity) throws Exception {
    KubernetesClient client = RealKubeApiServer.client();
    CountingMetrics metrics = new CountingMetrics();
    ReportForwarder forwarder =
        new ReportForwarder(
            identity,
            ReportForwarder.fromPods(client, ApiServer.OPERATOR_NAMESPACE, 8443),
            new PeerTrust(PeerTrust.fromDirectory(certs), SERVICE_NAME));
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
            metrics,
            Optional.of(
                OutriggerOperator.leaderElection(
                    ApiServer.OPERATOR_NAMESPACE,
                    identity,
                    LEASE,
                    () -> {},
                    forwarder::leaderChanged)),
            Clock.systemUTC());
    OperatorHttpsServer server =
        ApiServer.https(
            operator,
            certs.resolve("tls.crt"),
            certs.resolve("tls.key"),
            Optional.of(forwarder),
            4);
    replicaPod(identity, server.reportPort());
    return new Instance(identity, client, operator, server, metrics);
  }

  /** The instance's pod as a Deployment makes it, with the IP the kubelet would report. */
  private static void replicaPod(String identity, int port) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(identity)
            .withNamespace(ApiServer.OPERATOR_NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("operator")
            .withImage("registry.local/outrigger-operator")
            .addNewPort()
            .withName(ReportForwarder.PORT_NAME)
            .withContainerPort(port)
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    admin.pods().inNamespace(ApiServer.OPERATOR_NAMESPACE).withName(identity).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                admin.pods().inNamespace(ApiServer.OPERATOR_NAMESPACE).withName(identity).get()
                    == null);
    Pod created = admin.resource(pod).create();
    created.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build());
    admin.resource(created).updateStatus();
  }

  @BeforeAll
  static void startBoth() throws Exception {
    admin = RealKubeApiServer.client();
    certs = Files.createTempDirectory("outrigger-leader-it");
    tls = ApiServer.loopbackTls(certs, SERVICE_NAME);
    https = new Https(tls.caBundle());
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

  private static ObservabilityPolicyStatus status(String name) {
    return admin
        .resources(ObservabilityPolicy.class)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getStatus();
  }

  /** A report POSTed to the standby reaches the status: the standby forwards it to the leader. */
  private static void reportThroughTheStandby(Instance leader, Instance standby) throws Exception {
    Tokens.serviceAccount(admin, NS, "web");
    Pod injected =
        ApiServer.injected(
            NS,
            "web-1",
            Map.of("app", "web"),
            "first",
            status("first").getConfigHash(),
            ApiServer.VERSION);
    injected.getSpec().setServiceAccountName("web");
    Pod pod = admin.resource(injected).create();
    String report =
        """
        {"namespace": "%s", "pod": "web-1", "policy": "first", "sidecarVersion": "%s",
         "errors": [{"component": "logs", "message": "cannot read /var/log/app: permission denied"}]}
        """
            .formatted(NS, ApiServer.VERSION);

    // A standby refuses what it cannot authenticate itself: nothing unauthenticated reaches the
    // leader (issue 19 item 1).
    HttpResponse<String> refused =
        https.post(standby.server().reportPort(), "/v1/reports", null, report);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    HttpResponse<String> garbage =
        https.post(standby.server().reportPort(), "/v1/reports", "garbage", report);
    assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(401);
    assertThat(leader.metrics().reports).as("the leader saw no refused report").isEmpty();

    String token = Tokens.mint(admin, NS, "web", pod);
    HttpResponse<String> accepted =
        https.post(standby.server().reportPort(), "/v1/reports", token, report);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(status("first").getSidecarErrors())
                    .extracting(SidecarErrorSummary::getMessage, SidecarErrorSummary::getPods)
                    .containsExactly(tuple("cannot read /var/log/app: permission denied", 1)));
    assertThat(leader.operator().reports().size()).as("stored by the leader").isEqualTo(1);
    assertThat(standby.operator().reports().size()).as("not by the standby").isZero();
  }

  @Test
  void onlyTheLeaseHolderReconcilesAndTheOtherTakesOverWhenItStops() throws Exception {
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

    reportThroughTheStandby(leader, standby);

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
