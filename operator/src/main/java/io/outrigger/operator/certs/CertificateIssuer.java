package io.outrigger.operator.certs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the webhook's self-signed CA and its serving certificates (ECDSA P-256, BouncyCastle), as
 * PEM: the CA for the webhook configuration's {@code caBundle}, the serving pair for the HTTPS
 * server. Keys are PKCS#8, which the webhook's {@code ReloadingKeyManager} reads.
 */
public final class CertificateIssuer {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Certificates are back-dated a little: clocks of the API server and us may disagree. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private CertificateIssuer() {}

  /**
   * A new CA and a serving certificate for {@code dnsNames} and {@code ipAddresses}.
   *
   * @param previousCa the CA being replaced, kept in the bundle until it expires; may be null
   */
  public static TlsMaterial issue(
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration caValidity,
      Duration servingValidity,
      String previousCa) {
    try {
      KeyPair caKeys = keys();
      X500Name caName = new X500Name("CN=outrigger-webhook-ca");
      X509Certificate ca =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      serial(),
                      Date.from(now.minus(CLOCK_SKEW)),
                      Date.from(now.plus(caValidity)),
                      caName,
                      caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
              caKeys.getPrivate());
      String caPem = pem(ca);
      String bundle = previousCa == null || previousCa.isBlank() ? caPem : caPem + previousCa;
      return serving(
          caPem, pem(caKeys.getPrivate()), bundle, dnsNames, ipAddresses, now, servingValidity);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the webhook CA", e);
    }
  }

  /** A new serving certificate signed by the CA already in {@code current}; same bundle. */
  public static TlsMaterial renewServing(
      TlsMaterial current,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration servingValidity) {
    try {
      return serving(
          current.caCert(),
          current.caKey(),
          current.caBundle(),
          dnsNames,
          ipAddresses,
          now,
          servingValidity);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot renew the webhook serving certificate", e);
    }
  }

  private static TlsMaterial serving(
      String caPem,
      String caKeyPem,
      String bundle,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now,
      Duration validity)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    X509Certificate ca = certificates(caPem).get(0);
    PrivateKey caKey = privateKey(caKeyPem);
    KeyPair keys = keys();
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    Instant notAfter = now.plus(validity);
    // A serving certificate must not outlive its CA, or clients would reject it before renewal.
    if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
      notAfter = ca.getNotAfter().toInstant();
    }
    X509Certificate cert =
        sign(
            new JcaX509v3CertificateBuilder(
                    ca,
                    serial(),
                    Date.from(now.minus(CLOCK_SKEW)),
                    Date.from(notAfter),
                    new X500Name(
                        "CN=" + (dnsNames.isEmpty() ? "outrigger-webhook" : dnsNames.get(0))),
                    keys.getPublic())
                .addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(names.toArray(GeneralName[]::new)))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)),
            caKey);
    return new TlsMaterial(
        bundle,
        caPem,
        caKeyPem,
        pem(cert) + caPem,
        pem(keys.getPrivate()),
        cert.getNotAfter().toInstant(),
        ca.getNotAfter().toInstant());
  }

  /** Every certificate in a PEM text. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          out.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable certificate PEM", e);
    }
    return out;
  }

  /** A PKCS#8 or PKCS#1 PEM private key. */
  public static PrivateKey privateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException("no private key in PEM");
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable private key PEM", e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static String pem(X509Certificate cert) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(cert);
    }
    return out.toString();
  }

  private static String pem(PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    }
    return out.toString();
  }
}
