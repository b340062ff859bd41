package io.outrigger.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.outrigger.operator.reconciler.InformerClusterView;
import io.outrigger.operator.reconciler.ObservabilityPolicyReconciler;
import io.outrigger.operator.reconciler.PolicyEvents;
import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.reconciler.ResolvedPolicies;
import io.outrigger.operator.report.LocalTokenVerifier;
import io.outrigger.operator.report.ReportCaBundle;
import io.outrigger.operator.report.ReportIntake;
import io.outrigger.operator.report.ReportMetrics;
import io.outrigger.operator.report.ReportStore;
import io.outrigger.operator.report.ServiceAccountIssuerKeys;
import io.outrigger.operator.report.StatusThrottle;
import io.outrigger.operator.report.TokenReviewer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The policy controller on plain JOSDK: an {@link Operator} on the given client with the {@link
 * ObservabilityPolicyReconciler} registered, plus the informer-backed cluster view that admission
 * uses on every replica. Framework-free so that tests start it against a real API server; Quarkus
 * only creates and stops it.
 */
public final class OutriggerOperator implements AutoCloseable {
  /** How often the service-account issuer's keys are reloaded (the API server rotates rarely). */
  static final Duration ISSUER_KEYS_PERIOD = Duration.ofMinutes(10);

  /** Tokens with an unknown key id reload the keys at most this often. */
  static final Duration ISSUER_KEYS_MIN_RELOAD = Duration.ofSeconds(30);

  private final Operator operator;
  private final InformerClusterView clusterView;
  private final ReportStore reports;
  private final StatusThrottle throttle;
  private final ReportIntake intake;
  private final ServiceAccountIssuerKeys issuerKeys;
  private final ObservabilityPolicyReconciler reconciler;

  private OutriggerOperator(
      Operator operator,
      InformerClusterView clusterView,
      ReportStore reports,
      StatusThrottle throttle,
      ReportIntake intake,
      ServiceAccountIssuerKeys issuerKeys,
      ObservabilityPolicyReconciler reconciler) {
    this.operator = operator;
    this.clusterView = clusterView;
    this.reports = reports;
    this.throttle = throttle;
    this.intake = intake;
    this.issuerKeys = issuerKeys;
    this.reconciler = reconciler;
  }

  /**
   * Starts reconciling; with a leader election configuration, only once this instance holds the
   * Lease (JOSDK starts the controller's informers on becoming leader).
   */
  public static OutriggerOperator start(
      KubernetesClient client,
      OperatorSettings settings,
      ReconcileMetrics metrics,
      ReportMetrics reportMetrics,
      Optional<LeaderElectionConfiguration> leaderElection,
      Clock clock) {
    ResolvedPolicies resolved = new ResolvedPolicies(settings.sidecarResources());
    ReportCaBundle reportCa =
        new ReportCaBundle(
            settings.reportCaFile() == null
                ? null
                : java.nio.file.Path.of(settings.reportCaFile()));
    InformerClusterView view = InformerClusterView.start(client, resolved, reportCa);
    ReportStore reports = new ReportStore(settings.reportTtl(), clock);
    StatusThrottle throttle = new StatusThrottle(reports, settings.statusInterval(), clock);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              leaderElection.ifPresent(o::withLeaderElectionConfiguration);
            });
    ObservabilityPolicyReconciler reconciler =
        new ObservabilityPolicyReconciler(
            settings,
            resolved,
            view::namespaceLabels,
            reports,
            throttle.eventSource(),
            view.namespaceEvents(),
            new PolicyEvents(client, clock),
            metrics,
            clock);
    ServiceAccountIssuerKeys issuerKeys =
        ServiceAccountIssuerKeys.start(client, ISSUER_KEYS_PERIOD, ISSUER_KEYS_MIN_RELOAD, clock);
    TokenReviewer reviewer =
        new TokenReviewer(
            client,
            new LocalTokenVerifier(issuerKeys, reconciler::cachedPod, clock),
            settings.tokenCacheTtl());
    // The reported pod as the leader's informers hold it; the API server only for one they have not
    // seen yet (a standby forwards before this check).
    ReportIntake.Pods pods =
        (namespace, name) ->
            reconciler
                .cachedPod(namespace, name)
                .or(
                    () ->
                        Optional.ofNullable(
                            client.pods().inNamespace(namespace).withName(name).get()));
    ReportIntake intake =
        new ReportIntake(
            reviewer::review,
            pods,
            view::policy,
            reportCa::current,
            reports,
            throttle,
            reportMetrics);
    operator.register(
        reconciler,
        o -> {
          if (!settings.watchedNamespaces().isEmpty()) {
            o.settingNamespaces(settings.watchedNamespaces());
          }
        });
    operator.start();
    return new OutriggerOperator(operator, view, reports, throttle, intake, issuerKeys, reconciler);
  }

  /**
   * Leader election on the Lease {@link OperatorNames#LEASE} in {@code namespace}: renew within two
   * thirds of the lease, retry five times per lease.
   *
   * @param onLostLease run when this instance stops leading: production exits (the pod restarts
   *     clean and competes again); tests do nothing. JOSDK's own exit-on-stop calls {@code
   *     System.exit} also on a regular shutdown, which deadlocks inside a shutdown hook, so it is
   *     off and the caller decides.
   * @param onNewLeader told the identity of every new Lease holder (this one included), on every
   *     replica: standbys forward reports to it
   */
  public static LeaderElectionConfiguration leaderElection(
      String namespace,
      String identity,
      Duration leaseDuration,
      Runnable onLostLease,
      Consumer<String> onNewLeader) {
    return new LeaderElectionConfiguration(
        OperatorNames.LEASE,
        namespace,
        leaseDuration,
        leaseDuration.multipliedBy(2).dividedBy(3),
        leaseDuration.dividedBy(5),
        identity,
        new LeaderCallbacks(() -> {}, onLostLease, onNewLeader),
        false);
  }

  /** What the admission handler reads: namespaces, valid policies and nodes, from informers. */
  public InformerClusterView clusterView() {
    return clusterView;
  }

  public Operator operator() {
    return operator;
  }

  /** {@code POST /v1/reports} without the HTTP. */
  public ReportIntake reportIntake() {
    return intake;
  }

  /**
   * The pod as the pod informers hold it: what a sidecar token's bound pod is checked against when
   * the token is verified locally. Empty until this replica leads and its informers hold the pod.
   */
  public Optional<Pod> cachedPod(String namespace, String name) {
    return reconciler.cachedPod(namespace, name);
  }

  public ReportStore reports() {
    return reports;
  }

  @Override
  public void close() {
    operator.stop();
    throttle.close();
    clusterView.close();
    issuerKeys.close();
  }
}
