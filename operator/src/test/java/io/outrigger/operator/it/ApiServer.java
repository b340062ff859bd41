package io.outrigger.operator.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.outrigger.api.Names;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.http.ServerLimits;
import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.report.ReportForwarder;
import io.outrigger.operator.report.ReportMetrics;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.InjectionStatus;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the operator's real-server tests do to the shared kube-apiserver. */
public final class ApiServer {
  private ApiServer() {}

  public static final String VERSION = "0.1.0-it";
  public static final String OPERATOR_NAMESPACE = "outrigger-system";

  /**
   * A fresh CA and a serving pair for {@code dnsName} and 127.0.0.1, written into {@code dir} as
   * the operator's server reads them ({@code tls.crt}, {@code tls.key}) with the CA as {@code
   * ca.crt}.
   */
  public static TlsMaterial loopbackTls(Path dir, String dnsName) throws IOException {
    TlsMaterial tls =
        CertificateIssuer.issue(
            List.of(dnsName),
            List.of("127.0.0.1"),
            Instant.now(),
            Duration.ofDays(365),
            Duration.ofDays(30),
            null);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tls.crt"), tls.servingCert());
    Files.writeString(dir.resolve("tls.key"), tls.servingKey());
    Files.writeString(dir.resolve("ca.crt"), tls.caBundle());
    return tls;
  }

  private static Vertx vertx;

  /** One Vert.x per test JVM, as Quarkus has one per process; never closed (the JVM ends). */
  public static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  /**
   * The operator's HTTPS servers in front of {@code operator} on loopback: admissions (classic
   * sidecars, as the 1.20 test server needs) and reports, optionally forwarded to the leader; each
   * server with {@code threads} handler threads and otherwise the production limits.
   */
  public static OperatorHttpsServer https(
      OutriggerOperator operator,
      Path certFile,
      Path keyFile,
      Optional<ReportForwarder> forwarder,
      int threads)
      throws IOException, GeneralSecurityException {
    return https(
        operator,
        certFile,
        keyFile,
        forwarder,
        new OperatorHttpsServer.Ports(
            new InetSocketAddress("127.0.0.1", 0),
            ServerLimits.ADMISSION.withThreads(threads),
            new InetSocketAddress("127.0.0.1", 0),
            ServerLimits.REPORTS.withThreads(threads)));
  }

  /** The same with the production limits. */
  public static OperatorHttpsServer https(OutriggerOperator operator, Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    return https(
        operator,
        certFile,
        keyFile,
        Optional.empty(),
        OperatorHttpsServer.Ports.loopback("127.0.0.1"));
  }

  public static OperatorHttpsServer https(
      OutriggerOperator operator,
      Path certFile,
      Path keyFile,
      Optional<ReportForwarder> forwarder,
      OperatorHttpsServer.Ports ports)
      throws IOException, GeneralSecurityException {
    return OperatorHttpsServer.start(
        vertx(),
        ports,
        certFile,
        keyFile,
        new AdmissionHandler(
            operator.clusterView(),
            ClusterFacts.of("1", "20", "registry.local/sidecar", VERSION, OPERATOR_NAMESPACE),
            new AdmissionMetrics()),
        operator.reportIntake(),
        forwarder);
  }

  /** An operator reconciling only {@code namespaces}, reports throttled to one per second. */
  public static OutriggerOperator operator(
      KubernetesClient client,
      Set<String> namespaces,
      Optional<LeaderElectionConfiguration> leaderElection) {
    return operator(client, namespaces, leaderElection, null, null);
  }

  /** The same, telling sidecars to report to {@code reportUrl} trusting {@code reportCaFile}. */
  public static OutriggerOperator operator(
      KubernetesClient client,
      Set<String> namespaces,
      Optional<LeaderElectionConfiguration> leaderElection,
      String reportUrl,
      String reportCaFile) {
    return OutriggerOperator.start(
        client,
        new OperatorSettings(
            "registry.local/outrigger-sidecar",
            VERSION,
            OPERATOR_NAMESPACE,
            namespaces,
            OperatorSettings.DEFAULT_REPORT_TTL,
            Duration.ofSeconds(1),
            OperatorSettings.DEFAULT_TOKEN_CACHE_TTL,
            reportUrl,
            reportCaFile),
        ReconcileMetrics.NONE,
        ReportMetrics.NONE,
        leaderElection,
        Clock.systemUTC());
  }

  public static void applyCrd(KubernetesClient client) throws IOException {
    RealKubeApiServer.applyCrd(
        client,
        Path.of(
            System.getProperty(
                "outrigger.crdFile", "../crds/observabilitypolicies.outrigger.io-v1.yml")));
  }

  public static String namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(existing -> existing.update());
    return name;
  }

  public static ObservabilityPolicy policy(
      String namespace, String name, ObservabilityPolicySpec spec) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    policy.setSpec(spec);
    return policy;
  }

  /** A pod as it is stored when the webhook did not run: opted in by label, no sidecar. */
  public static Pod optedIn(String namespace, String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .addToLabels(Names.INJECT, "true")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * A pod as the webhook stores it, reduced to what the operator reads: the injected label, the
   * status annotation and a container named like the sidecar.
   */
  public static Pod injected(
      String namespace,
      String name,
      Map<String, String> labels,
      String policy,
      String configHash,
      String sidecarVersion) {
    String status =
        new InjectionStatus(sidecarVersion, policy, configHash, "classic", "iptables").toJson();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .addToLabels(Names.INJECT, "true")
        .addToLabels(Names.INJECTED, "true")
        .addToAnnotations(Names.STATUS, status)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(InjectedNames.SIDECAR_CONTAINER)
        .withImage("registry.local/outrigger-sidecar:" + sidecarVersion)
        .endContainer()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/app:1")
        .endContainer()
        .endSpec()
        .build();
  }
}
