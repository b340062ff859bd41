package io.outrigger.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.operator.certs.WebhookCertificates.Renewal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When {@link WebhookCertificates} issues, renews or rotates, as a pure decision. */
class RenewalDecisionTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final WebhookCertificates.Settings SETTINGS =
      new WebhookCertificates.Settings(
          "outrigger-system",
          "outrigger-webhook-tls",
          "outrigger",
          List.of("outrigger-webhook"),
          List.of(),
          Path.of("/unused"),
          Duration.ofDays(365),
          Duration.ofDays(90),
          Duration.ofDays(30),
          Duration.ofHours(1),
          Duration.ofSeconds(10));

  private static final TlsMaterial ISSUED =
      WebhookCertificates.next(SETTINGS, Optional.empty(), NOW, Renewal.NONE).orElseThrow();

  private static Optional<TlsMaterial> at(Duration later, Renewal renewal) {
    return WebhookCertificates.next(SETTINGS, Optional.of(ISSUED), NOW.plus(later), renewal);
  }

  @Test
  void nothingStoredYetIssuesACaAndAServingCertificate() {
    assertThat(ISSUED.servingNotAfter()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    assertThat(ISSUED.caNotAfter()).isEqualTo(NOW.plus(Duration.ofDays(365)));
  }

  @Test
  void aCertificateFarFromExpiryIsKept() {
    assertThat(at(Duration.ofDays(59), Renewal.NONE)).isEmpty();
  }

  @Test
  void aServingCertificateWithinRenewBeforeIsRenewedUnderTheSameCa() {
    TlsMaterial renewed = at(Duration.ofDays(61), Renewal.NONE).orElseThrow();
    assertThat(renewed.caCert()).isEqualTo(ISSUED.caCert());
    assertThat(renewed.caBundle()).isEqualTo(ISSUED.caBundle());
    assertThat(renewed.servingNotAfter()).isEqualTo(NOW.plus(Duration.ofDays(61 + 90)));
  }

  @Test
  void aForcedRenewalRenewsEvenAFreshCertificate() {
    TlsMaterial renewed = at(Duration.ofDays(1), Renewal.SERVING).orElseThrow();
    assertThat(renewed.servingCert()).isNotEqualTo(ISSUED.servingCert());
    assertThat(renewed.caCert()).isEqualTo(ISSUED.caCert());
  }

  @Test
  void aCaWithinRenewBeforeIsReplacedAndStaysInTheBundle() {
    TlsMaterial rotated = at(Duration.ofDays(340), Renewal.NONE).orElseThrow();
    assertThat(rotated.caCert()).isNotEqualTo(ISSUED.caCert());
    assertThat(rotated.caBundle()).isEqualTo(rotated.caCert() + ISSUED.caCert());
    assertThat(at(Duration.ofDays(1), Renewal.CA).orElseThrow().caBundle())
        .endsWith(ISSUED.caCert());
  }
}
