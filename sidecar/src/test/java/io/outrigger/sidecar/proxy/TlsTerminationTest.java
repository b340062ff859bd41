package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.sidecar.it.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * TLS termination on an inbound listener with PEM files (made by openssl here), and a rotated pair
 * picked up without a restart: new handshakes see the new certificate, requests keep flowing.
 */
class TlsTerminationTest {

  @Test
  void terminatesTlsAndPicksUpARotatedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("tls");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Certificates.selfSigned(dir, "first", cert, key);
    try (ProxyHarness h =
        new ProxyHarness(
            c -> ProxyHarness.withProxy(c, p -> p.tls(cert.toString(), key.toString())))) {
      CompletableFuture<String> proto = new CompletableFuture<>();
      h.backend(
          r -> {
            proto.complete(r.getHeader("x-forwarded-proto"));
            r.response().end("over tls");
          });
      assertThat(get(h.proxyPort())).contains("200").contains("over tls");
      assertThat(proto.get(5, TimeUnit.SECONDS)).isEqualTo("https");
      assertThat(presentedSubject(h.proxyPort())).contains("CN=first");

      // The kubelet swaps a rotated Secret atomically: write beside, then move over.
      Certificates.selfSigned(dir, "second", dir.resolve("new.crt"), dir.resolve("new.key"));
      Files.move(
          dir.resolve("new.key"),
          key,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.move(
          dir.resolve("new.crt"),
          cert,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> presentedSubject(h.proxyPort()).contains("CN=second"));
      assertThat(get(h.proxyPort())).contains("200");
    }
  }

  /** The subject of the certificate the listener presents in a fresh handshake. */
  private static String presentedSubject(int port) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  private static String get(int port) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
      return new String(socket.getInputStream().readAllBytes());
    }
  }

  /** The test only checks which certificate is served, not its chain. */
  private static SSLContext trustAll() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    return context;
  }
}
