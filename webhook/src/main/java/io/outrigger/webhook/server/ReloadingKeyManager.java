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
 * restart. A pair that cannot be read (say, written half-way) leaves the previous one in service
 * until the files change again.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(ReloadingKeyManager.class.getName());
  private static final String ALIAS = "outrigger-webhook";

  private final Path certFile;
  private final Path keyFile;
  private volatile Loaded loaded;
  private volatile List<FileTime> failed;

  private record Loaded(
      X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime) {}

  /** Reads the pair now: a server must not start without a certificate. */
  public ReloadingKeyManager(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.loaded = load();
  }

  /** The certificate currently served. */
  public X509Certificate certificate() {
    return current().chain()[0];
  }

  private Loaded load() throws IOException, GeneralSecurityException {
    FileTime certTime = Files.getLastModifiedTime(certFile);
    FileTime keyTime = Files.getLastModifiedTime(keyFile);
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    return new Loaded(chain.toArray(X509Certificate[]::new), key, certTime, keyTime);
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
        loaded = load();
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
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? ALIAS : null;
  }

  /** JSSE asks once per key type the client accepts; only our key's type has an answer. */
  private boolean matches(String keyType) {
    return keyType != null && keyType.equals(current().key().getAlgorithm());
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current().chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current().key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return matches(keyType) ? new String[] {ALIAS} : null;
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
