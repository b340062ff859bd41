package io.outrigger.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingKeyManagerTest {
  @TempDir Path dir;

  @Test
  void aHandshakeThatSpansAReloadGetsItsChainAndKeyFromOnePair() throws Exception {
    TestCertificates ca = new TestCertificates();
    X509Certificate first = ca.writeServing(dir, "first");
    ReloadingKeyManager keys =
        new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    String alias = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(alias).isNotNull();
    assertThat(keys.chooseEngineServerAlias("RSA", null, null)).as("not our key's type").isNull();

    X509Certificate second = ca.writeServing(dir, "second");
    touch("tls.crt", 10);
    touch("tls.key", 10);

    // The handshake that chose its alias before the files changed finishes with the first pair.
    assertThat(keys.getCertificateChain(alias)[0]).isEqualTo(first);
    assertPair(keys.getCertificateChain(alias)[0], keys.getPrivateKey(alias));
    // The next handshake gets the second.
    String next = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(next).isNotEqualTo(alias);
    assertThat(keys.getCertificateChain(next)[0]).isEqualTo(second);
    assertPair(keys.getCertificateChain(next)[0], keys.getPrivateKey(next));
  }

  @Test
  void aNewCertificateBesideTheOldKeyIsNotServedUntilItsKeyArrives() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path other = dir.resolve("other");
    X509Certificate first = ca.writeServing(dir, "first");
    ReloadingKeyManager keys =
        new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    X509Certificate second = ca.writeServing(other, "second");

    // The certificate is replaced first, its key a moment later (two separate writes).
    Files.copy(
        other.resolve("tls.crt"),
        dir.resolve("tls.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    touch("tls.crt", 10);
    String during = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(keys.getCertificateChain(during)[0])
        .as("the old pair still served")
        .isEqualTo(first);
    assertPair(keys.getCertificateChain(during)[0], keys.getPrivateKey(during));

    Files.copy(
        other.resolve("tls.key"),
        dir.resolve("tls.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    touch("tls.key", 20);
    String after = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(keys.getCertificateChain(after)[0]).isEqualTo(second);
    assertPair(keys.getCertificateChain(after)[0], keys.getPrivateKey(after));
  }

  /** A distinct modification time, as a later write would have, without sleeping. */
  private void touch(String file, int secondsLater) throws Exception {
    Files.setLastModifiedTime(
        dir.resolve(file), FileTime.from(Instant.now().plusSeconds(secondsLater)));
  }

  private static void assertPair(X509Certificate certificate, PrivateKey key) throws Exception {
    assertThat(ReloadingKeyManager.belongTogether(certificate, key))
        .as("the key served belongs to the certificate served")
        .isTrue();
  }
}
