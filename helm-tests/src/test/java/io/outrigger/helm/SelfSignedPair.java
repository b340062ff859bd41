package io.outrigger.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed ECDSA serving certificate in PEM, as cert-manager's self-signed Issuer makes one
 * ({@code tls.crt}, PKCS#8 {@code tls.key}, {@code ca.crt} = the certificate), made with the JDK's
 * keytool.
 */
final class SelfSignedPair {
  private SelfSignedPair() {}

  /** Writes tls.crt, tls.key and ca.crt into {@code dir}; returns the certificate's PEM. */
  static String write(Path dir, String dnsName) {
    try {
      Path store = Files.createTempDirectory("outrigger-keytool").resolve("pair.p12");
      Process keytool =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-alias",
                  "serving",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=" + dnsName,
                  "-ext",
                  "SAN=dns:" + dnsName + ",ip:127.0.0.1",
                  "-validity",
                  "2",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  "changeit")
              .redirectErrorStream(true)
              .start();
      String output = new String(keytool.getInputStream().readAllBytes());
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, "changeit".toCharArray());
      }
      Certificate certificate = keyStore.getCertificate("serving");
      Key key = keyStore.getKey("serving", "changeit".toCharArray());
      String certPem = pem("CERTIFICATE", certificate.getEncoded());
      Files.writeString(dir.resolve("tls.crt"), certPem);
      Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
      Files.writeString(dir.resolve("ca.crt"), certPem);
      return certPem;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
