package io.outrigger.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.SidecarResources;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.CertificateFiles;
import io.outrigger.operator.certs.WebhookCertificates;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.http.ServerLimits;
import io.outrigger.operator.reconciler.InjectionEventRecorder;
import io.outrigger.operator.report.PeerTrust;
import io.outrigger.operator.report.ReportForwarder;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The thin Quarkus layer: on startup, the certificates (unless cert-manager owns them), the JOSDK
 * operator on Quarkus's KubernetesClient, and the HTTPS servers for admission and reports on
 * Quarkus's Vert.x; on shutdown, the same in reverse. Everything it starts is a plain class tested
 * against a real API server.
 */
@ApplicationScoped
public class OperatorLifecycle {
  private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

  @Inject KubernetesClient client;
  @Inject MeterRegistry registry;
  @Inject OperatorConfig config;
  @Inject Vertx vertx;

  private WebhookCertificates certificates;
  private OutriggerOperator operator;
  private OperatorHttpsServer https;
  private InjectionEventRecorder injectionEvents;
  private volatile boolean stopping;

  void onStart(@Observes StartupEvent event) throws Exception {
    MicrometerOperatorMetrics metrics = new MicrometerOperatorMetrics(registry);
    OperatorSettings settings =
        new OperatorSettings(
            config.sidecar().image(),
            config.sidecar().version(),
            config.namespace(),
            config.watchNamespaces().orElse(Set.of()),
            config.reports().ttl(),
            config.reports().statusInterval(),
            config.reports().tokenCacheTtl(),
            config.reports().enabled()
                ? config
                    .reports()
                    .url()
                    .orElse(
                        "https://"
                            + config.certificates().service()
                            + "."
                            + config.namespace()
                            + ".svc:"
                            + config.reports().port()
                            + "/v1/reports")
                : null,
            config.reports().enabled()
                ? Path.of(config.certificates().dir()).resolve(CertificateFiles.CA).toString()
                : null,
            sidecarResources(config.sidecar().resources()));

    Path dir = Path.of(config.certificates().dir());
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    if ("operator".equals(config.certificates().mode())) {
      WebhookCertificates.Settings defaults =
          WebhookCertificates.Settings.defaults(
              config.namespace(),
              config.certificates().service(),
              config.certificates().webhookConfiguration(),
              dir);
      certificates =
          WebhookCertificates.start(
              client,
              new WebhookCertificates.Settings(
                  defaults.namespace(),
                  defaults.secretName(),
                  defaults.webhookConfiguration(),
                  defaults.dnsNames(),
                  List.copyOf(config.certificates().ipAddresses().orElse(Set.of())),
                  dir,
                  defaults.caValidity(),
                  defaults.servingValidity(),
                  defaults.renewBefore(),
                  defaults.checkInterval(),
                  defaults.bundleGrace()),
              Clock.systemUTC());
      certFile = certificates.certFile();
      keyFile = certificates.keyFile();
    } else {
      LOG.infof("certificates left to cert-manager; serving %s", certFile);
    }

    String identity =
        config
            .leaderElection()
            .identity()
            .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
            .orElse("outrigger-" + UUID.randomUUID());
    // Standbys forward the reports they receive to the leader (ADR 0005).
    Optional<ReportForwarder> forwarder =
        config.leaderElection().enabled()
            ? Optional.of(
                new ReportForwarder(
                    identity,
                    ReportForwarder.fromPods(client, config.namespace(), config.reports().port()),
                    new PeerTrust(
                        PeerTrust.fromDirectory(certFile.getParent()),
                        config.certificates().service() + "." + config.namespace() + ".svc")))
            : Optional.empty();
    operator =
        OutriggerOperator.start(
            client,
            settings,
            metrics,
            metrics,
            forwarder.map(
                f ->
                    OutriggerOperator.leaderElection(
                        config.namespace(),
                        identity,
                        config.leaderElection().leaseDuration(),
                        this::lostLease,
                        f::leaderChanged)),
            Clock.systemUTC());

    VersionInfo version = client.getKubernetesVersion();
    AdmissionMetrics admissions = new AdmissionMetrics();
    metrics.bind(admissions);
    injectionEvents = new InjectionEventRecorder(client);
    https =
        OperatorHttpsServer.start(
            vertx,
            new OperatorHttpsServer.Ports(
                new InetSocketAddress(config.admission().host(), config.admission().port()),
                limits(config.admission(), ServerLimits.ADMISSION),
                new InetSocketAddress(config.reports().host(), config.reports().port()),
                limits(config.reports(), ServerLimits.REPORTS)),
            certFile,
            keyFile,
            new AdmissionHandler(
                operator.clusterView(),
                settings.clusterFacts(version.getMajor(), version.getMinor()),
                admissions,
                injectionEvents),
            operator.reportIntake(),
            forwarder);
    LOG.infof(
        "outrigger operator %s serving admission on https://%s:%d and reports on https://%s:%d",
        identity,
        config.admission().host(),
        https.admissionPort(),
        config.reports().host(),
        https.reportPort());
  }

  /** The configured limits; the body limit is the route's own ({@code defaults}). */
  private static ServerLimits limits(OperatorConfig.Server server, ServerLimits defaults) {
    return new ServerLimits(
        server.threads(),
        server.maxConnections(),
        server.maxInFlight(),
        server.requestTimeout(),
        server.idleTimeout(),
        defaults.maxBodyBytes());
  }

  /**
   * A replica that lost its lease while running restarts clean; on shutdown, losing it is normal.
   */
  private void lostLease() {
    if (!stopping) {
      LOG.error("lost the leader lease; exiting so the pod restarts and competes again");
      Quarkus.asyncExit(1);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    if (https != null) {
      https.close();
    }
    if (injectionEvents != null) {
      injectionEvents.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (certificates != null) {
      certificates.close();
    }
  }

  /** True once the HTTPS server serves (readiness). */
  boolean serving() {
    return https != null;
  }

  /**
   * The cluster's sidecar resource defaults; refuses to start on a value no pod could carry, which
   * would otherwise surface only as pods the API server refuses.
   */
  static EffectivePolicy.Resources sidecarResources(OperatorConfig.Resources given) {
    EffectivePolicy.Resources resources =
        new EffectivePolicy.Resources(
            given.cpuRequest(),
            given.cpuLimit().orElse(null),
            given.memoryRequest(),
            given.memoryLimit());
    List<String> problems = SidecarResources.problems(resources);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "outrigger.sidecar.resources (the chart's sidecar.resources): "
              + String.join("; ", problems));
    }
    return resources;
  }
}
