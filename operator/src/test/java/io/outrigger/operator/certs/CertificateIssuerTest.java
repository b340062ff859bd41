package io.outrigger.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> DNS = List.of("outrigger", "outrigger.outrigger-system.svc");

  private static TlsMaterial issue(String previousCa) {
    return CertificateIssuer.issue(
        DNS, List.of("127.0.0.1"), NOW, Duration.ofDays(365), Duration.ofDays(30), previousCa);
  }

  @Test
  void theServingCertificateIsSignedByTheCaAndNamesTheService() throws Exception {
    TlsMaterial tls = issue(null);
    X509Certificate ca = CertificateIssuer.certificates(tls.caCert()).get(0);
    List<X509Certificate> chain = CertificateIssuer.certificates(tls.servingCert());
    assertThat(chain).hasSize(2);
    chain.get(0).verify(ca.getPublicKey());
    assertThat(chain.get(0).getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly((Object) "outrigger", "outrigger.outrigger-system.svc", "127.0.0.1");
    assertThat(chain.get(0).getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(tls.servingNotAfter()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(tls.caBundle()).isEqualTo(tls.caCert());
    assertThat(CertificateIssuer.privateKey(tls.servingKey()).getAlgorithm()).isEqualTo("EC");
    assertThat(tls.servingKey()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void renewingTheServingCertificateKeepsTheCaAndTheBundle() throws Exception {
    TlsMaterial first = issue(null);
    TlsMaterial renewed =
        CertificateIssuer.renewServing(
            first, DNS, List.of(), NOW.plus(Duration.ofDays(20)), Duration.ofDays(30));
    assertThat(renewed.caBundle()).isEqualTo(first.caBundle());
    assertThat(renewed.servingCert()).isNotEqualTo(first.servingCert());
    CertificateIssuer.certificates(renewed.servingCert())
        .get(0)
        .verify(CertificateIssuer.certificates(first.caCert()).get(0).getPublicKey());
  }

  @Test
  void aNewCaKeepsThePreviousOneInTheBundleAndNoCertificateOutlivesItsCa() {
    TlsMaterial first = issue(null);
    TlsMaterial rotated = issue(first.caCert());
    assertThat(CertificateIssuer.certificates(rotated.caBundle()))
        .hasSize(2)
        .last()
        .isEqualTo(CertificateIssuer.certificates(first.caCert()).get(0));

    TlsMaterial shortCa =
        CertificateIssuer.issue(
            DNS, List.of(), NOW, Duration.ofDays(10), Duration.ofDays(30), null);
    assertThat(shortCa.servingNotAfter()).isEqualTo(shortCa.caNotAfter());
  }
}
