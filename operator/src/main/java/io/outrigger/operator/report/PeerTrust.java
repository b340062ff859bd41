package io.outrigger.operator.report;

import io.outrigger.operator.certs.CertificateIssuer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How one replica recognises another when it forwards a report: the peer is reached by its pod IP,
 * which no certificate names, so instead of the host name the peer must present a certificate
 * issued by the webhook's CA <em>for the webhook's Service</em> ({@code
 * <service>.<namespace>.svc}): exactly what every replica serves. The CA certificates are read at
 * every handshake, so a rotated CA is picked up without a restart.
 */
public final class PeerTrust extends X509ExtendedTrustManager {
  private final Supplier<List<X509Certificate>> anchors;
  private final String serviceName;

  public PeerTrust(Supplier<List<X509Certificate>> anchors, String serviceName) {
    this.anchors = anchors;
    this.serviceName = serviceName;
  }

  /**
   * The CA certificates of the certificate directory: {@code ca.crt} when present (cert-manager's
   * Secret, the operator's own files), plus the issuers in the served chain {@code tls.crt}.
   */
  public static Supplier<List<X509Certificate>> fromDirectory(Path dir) {
    return () -> {
      List<X509Certificate> found = new ArrayList<>();
      try {
        Path ca = dir.resolve("ca.crt");
        if (Files.exists(ca)) {
          found.addAll(CertificateIssuer.certificates(Files.readString(ca)));
        }
        Path chain = dir.resolve("tls.crt");
        if (Files.exists(chain)) {
          List<X509Certificate> served = CertificateIssuer.certificates(Files.readString(chain));
          found.addAll(served.subList(Math.min(1, served.size()), served.size()));
        }
      } catch (java.io.IOException | RuntimeException e) {
        // No anchors: every handshake fails, and the report is answered 503 (retried).
      }
      return found;
    };
  }

  /** A TLS context trusting only peers this trust manager accepts. */
  public SSLContext context() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {this}, null);
    return context;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    caTrustManager().checkServerTrusted(chain, authType);
    if (!dnsNames(chain[0]).contains(serviceName)) {
      throw new CertificateException(
          "the peer's certificate is not for " + serviceName + ": " + dnsNames(chain[0]));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("forwarding only trusts servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.get().toArray(X509Certificate[]::new);
  }

  /** The JDK's PKIX checks (chain, validity) against the CA certificates as they are now. */
  private X509TrustManager caTrustManager() throws CertificateException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : anchors.get()) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new CertificateException("no CA certificate to check the peer against");
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new CertificateException("no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException(e);
    }
  }

  static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    List<String> dns = new ArrayList<>();
    if (names != null) {
      for (List<?> name : names) {
        if (Integer.valueOf(2).equals(name.get(0))) {
          dns.add((String) name.get(1));
        }
      }
    }
    return dns;
  }
}
