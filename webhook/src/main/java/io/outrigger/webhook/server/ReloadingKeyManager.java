package io.outrigger.webhook.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager that serves the certificate and key in two PEM files and picks up new ones
 * at the next handshake after the files change (a rotated Secret, a renewed certificate), without a
 * restart. A pair that cannot be read (say, written half-way), or whose key does not belong to its
 * certificate (one file replaced before the other), leaves the previous one in service until the
 * files change again.
 *
 * <p>JSSE asks for the alias, the chain and the key in separate calls; the alias names the pair's
 * generation, so a handshake that spans a reload gets its chain and key from the same pair.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(ReloadingKeyManager.class.getName());
  private static final String ALIAS = "outrigger-webhook";

  private final Path certFile;
  private final Path keyFile;
  private volatile Loaded loaded;
  private volatile Loaded previous;
  private volatile List<FileTime> failed;

  private record Loaded(
      X509Certificate[] chain,
      PrivateKey key,
      FileTime certTime,
      FileTime keyTime,
      int generation) {
    String alias() {
      return ALIAS + "#" + generation;
    }
  }

  /** Reads the pair now: a server must not start without a certificate. */
  public ReloadingKeyManager(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.loaded = load(0);
  }

  /** The certificate currently served. */
  public X509Certificate certificate() {
    return current().chain()[0];
  }

  private Loaded load(int generation) throws IOException, GeneralSecurityException {
    FileTime certTime = Files.getLastModifiedTime(certFile);
    FileTime keyTime = Files.getLastModifiedTime(keyFile);
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(certFile + " holds no certificate");
    }
    if (!belongTogether(chain.get(0), key)) {
      throw new GeneralSecurityException(
          keyFile + " is not the key of the certificate in " + certFile);
    }
    return new Loaded(chain.toArray(X509Certificate[]::new), key, certTime, keyTime, generation);
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  static boolean belongTogether(X509Certificate certificate, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> throw new GeneralSecurityException("unsupported key " + key.getAlgorithm());
        };
    byte[] challenge = new byte[32];
    new java.security.SecureRandom().nextBytes(challenge);
    java.security.Signature signer = java.security.Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(challenge);
    return verifier.verify(signature);
  }

  /**
   * Two stat calls per handshake; with keep-alive, handshakes are rare. A pair that failed to load
   * is not retried (nor logged again) until one of its files changes once more.
   */
  private Loaded current() {
    Loaded now = loaded;
    FileTime certTime;
    FileTime keyTime;
    try {
      certTime = Files.getLastModifiedTime(certFile);
      keyTime = Files.getLastModifiedTime(keyFile);
    } catch (IOException e) {
      return now;
    }
    boolean changed = !certTime.equals(now.certTime()) || !keyTime.equals(now.keyTime());
    List<FileTime> seen = List.of(certTime, keyTime);
    if (!changed || seen.equals(failed)) {
      return now;
    }
    synchronized (this) {
      if (loaded != now) {
        return loaded;
      }
      try {
        Loaded next = load(now.generation() + 1);
        previous = now;
        loaded = next;
        failed = null;
        LOG.info("reloaded serving certificate " + loaded.chain()[0].getSubjectX500Principal());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        failed = seen;
        LOG.log(Level.WARNING, "keeping the previous serving certificate: " + e.getMessage());
      }
      return loaded;
    }
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  /** JSSE asks once per key type the client accepts; only our key's type has an answer. */
  private String aliasFor(String keyType) {
    Loaded pair = current();
    return keyType != null && keyType.equals(pair.key().getAlgorithm()) ? pair.alias() : null;
  }

  /** The pair an alias chose: this generation or the one before it (a handshake mid-reload). */
  private Loaded pair(String alias) {
    Loaded now = current();
    Loaded before = previous;
    if (before != null && before.alias().equals(alias)) {
      return before;
    }
    return now;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return pair(alias).chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return pair(alias).key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
