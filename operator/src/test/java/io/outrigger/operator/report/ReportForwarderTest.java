package io.outrigger.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.webhook.server.ReloadingHttpsServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a replica forwards a report, where to, and whom it trusts; the IT forwards for real. */
class ReportForwarderTest {
  private static final String SERVICE = "outrigger-webhook.outrigger-system.svc";
  private static final byte[] BODY = "{}".getBytes();

  private static ReportForwarder forwarder(String self, Optional<URI> leaderAddress)
      throws Exception {
    TlsMaterial tls = issue(List.of(SERVICE));
    return new ReportForwarder(
        self,
        identity -> leaderAddress,
        new PeerTrust(() -> CertificateIssuer.certificates(tls.caBundle()), SERVICE));
  }

  private static TlsMaterial issue(List<String> names) {
    return CertificateIssuer.issue(
        names, List.of(), Instant.now(), Duration.ofDays(2), Duration.ofDays(1), null);
  }

  private static Pod pod(String ip, Integer namedPort) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("outrigger-operator-1")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("operator")
            .addNewPort()
            .withName("metrics")
            .withContainerPort(8080)
            .endPort()
            .endContainer()
            .endSpec();
    if (namedPort != null) {
      pod.editSpec()
          .editFirstContainer()
          .addNewPort()
          .withName(ReportForwarder.PORT_NAME)
          .withContainerPort(namedPort)
          .endPort()
          .endContainer()
          .endSpec();
    }
    if (ip != null) {
      pod.withNewStatus().withPodIP(ip).endStatus();
    }
    return pod.build();
  }

  @Test
  void theLeaderAddressIsItsPodIpAndItsPortNamedHttps() {
    assertThat(ReportForwarder.reportUri(pod("10.1.2.3", 9443), 8443))
        .contains(URI.create("https://10.1.2.3:9443/v1/reports"));
    assertThat(ReportForwarder.reportUri(pod("10.1.2.3", null), 8443))
        .as("no port named https: the configured port")
        .contains(URI.create("https://10.1.2.3:8443/v1/reports"));
    assertThat(ReportForwarder.reportUri(pod("fd00::7", 9443), 8443))
        .contains(URI.create("https://[fd00::7]:9443/v1/reports"));
    assertThat(ReportForwarder.reportUri(pod(null, 9443), 8443))
        .as("not scheduled yet: no address")
        .isEmpty();
  }

  @Test
  void theLeaderAndForwardedReportsAreTakenHere() throws Exception {
    ReportForwarder forwarder = forwarder("a", Optional.empty());
    forwarder.leaderChanged("a");
    assertThat(forwarder.forward("Bearer t", BODY, null)).as("this replica leads").isEmpty();
    forwarder.leaderChanged("b");
    assertThat(forwarder.forward("Bearer t", BODY, "c"))
        .as("forwarded already: never a second hop")
        .isEmpty();
  }

  @Test
  void withoutALeaderOrItsAddressTheSidecarIsToldToRetry() throws Exception {
    ReportForwarder forwarder = forwarder("a", Optional.empty());
    assertThat(forwarder.forward("Bearer t", BODY, null))
        .hasValueSatisfying(answer -> assertThat(answer.status()).isEqualTo(503));
    forwarder.leaderChanged("b");
    assertThat(forwarder.forward("Bearer t", BODY, null))
        .hasValueSatisfying(
            answer -> {
              assertThat(answer.status()).isEqualTo(503);
              assertThat(answer.message()).contains("b", "no address");
            });
  }

  @Test
  void anUnreachableLeaderIsAnsweredRetryAndLookedUpAgain() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    AtomicInteger lookups = new AtomicInteger();
    TlsMaterial tls = issue(List.of(SERVICE));
    ReportForwarder forwarder =
        new ReportForwarder(
            "a",
            identity -> {
              lookups.incrementAndGet();
              return Optional.of(URI.create("https://127.0.0.1:" + closed + "/v1/reports"));
            },
            new PeerTrust(() -> CertificateIssuer.certificates(tls.caBundle()), SERVICE));
    forwarder.leaderChanged("b");
    for (int i = 0; i < 2; i++) {
      assertThat(forwarder.forward("Bearer t", BODY, null))
          .hasValueSatisfying(answer -> assertThat(answer.status()).isEqualTo(503));
    }
    assertThat(lookups).as("a failed address is not kept").hasValue(2);
  }

  @Test
  void aPeerIsTrustedWithTheWebhookCaAndACertificateForTheWebhookService() throws Exception {
    TlsMaterial ours = issue(List.of("outrigger-webhook", SERVICE));
    PeerTrust trust = new PeerTrust(() -> CertificateIssuer.certificates(ours.caBundle()), SERVICE);
    trust.checkServerTrusted(chain(ours), "ECDHE_ECDSA");

    TlsMaterial otherCa = issue(List.of(SERVICE));
    assertThatThrownBy(() -> trust.checkServerTrusted(chain(otherCa), "ECDHE_ECDSA"))
        .as("another CA")
        .isInstanceOf(CertificateException.class);

    TlsMaterial otherName =
        CertificateIssuer.renewServing(
            ours, List.of("evil.example"), List.of(), Instant.now(), Duration.ofDays(1));
    assertThatThrownBy(() -> trust.checkServerTrusted(chain(otherName), "ECDHE_ECDSA"))
        .as("our CA, another name")
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(SERVICE);

    PeerTrust noAnchors = new PeerTrust(List::of, SERVICE);
    assertThatThrownBy(() -> noAnchors.checkServerTrusted(chain(ours), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  /** A stand-in leader on loopback serving {@code tls}, answering every report 202. */
  private static ReloadingHttpsServer leader(TlsMaterial tls, Path dir) throws Exception {
    Files.writeString(dir.resolve("tls.crt"), tls.servingCert());
    Files.writeString(dir.resolve("tls.key"), tls.servingKey());
    return ReloadingHttpsServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"),
        2,
        Map.of(
            "/v1/reports",
            exchange -> {
              try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String by = exchange.getRequestHeaders().getFirst(ReportForwarder.FORWARDED_BY);
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                ReloadingHttpsServer.respond(
                    exchange, 202, "text/plain", "accepted from " + by + " with " + auth + "\n");
              }
            }));
  }

  @Test
  void theLeaderIsReachedByItsPodIpThoughItsCertificateNamesOnlyTheService(@TempDir Path dir)
      throws Exception {
    // As in a cluster: the address is an IP no certificate names; the Service name is checked.
    TlsMaterial tls = issue(List.of(SERVICE));
    try (ReloadingHttpsServer server = leader(tls, dir)) {
      ReportForwarder forwarder =
          new ReportForwarder(
              "a",
              identity ->
                  Optional.of(URI.create("https://127.0.0.1:" + server.port() + "/v1/reports")),
              new PeerTrust(PeerTrust.fromDirectory(dir), SERVICE));
      forwarder.leaderChanged("b");
      assertThat(forwarder.forward("Bearer t0ken", BODY, null))
          .hasValueSatisfying(
              answer -> {
                assertThat(answer.status()).isEqualTo(202);
                assertThat(answer.message()).isEqualTo("accepted from a with Bearer t0ken");
              });
    }
  }

  @Test
  void aPeerWithACertificateForAnotherNameGetsNoToken(@TempDir Path dir) throws Exception {
    TlsMaterial tls = issue(List.of("somebody-else.example"));
    try (ReloadingHttpsServer server = leader(tls, dir)) {
      ReportForwarder forwarder =
          new ReportForwarder(
              "a",
              identity ->
                  Optional.of(URI.create("https://127.0.0.1:" + server.port() + "/v1/reports")),
              new PeerTrust(PeerTrust.fromDirectory(dir), SERVICE));
      forwarder.leaderChanged("b");
      assertThat(forwarder.forward("Bearer t0ken", BODY, null))
          .hasValueSatisfying(answer -> assertThat(answer.status()).isEqualTo(503));
    }
  }

  private static X509Certificate[] chain(TlsMaterial tls) {
    return new ArrayList<>(CertificateIssuer.certificates(tls.servingCert()))
        .toArray(X509Certificate[]::new);
  }
}
