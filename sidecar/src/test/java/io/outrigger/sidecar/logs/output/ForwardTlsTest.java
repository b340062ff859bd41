package io.outrigger.sidecar.logs.output;

import static io.outrigger.sidecar.logs.output.TestRecords.await;
import static io.outrigger.sidecar.logs.output.TestRecords.failureOf;
import static io.outrigger.sidecar.logs.output.TestRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarConfig.ForwardOutputConfig;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward over TLS to a sink presenting a certificate for 127.0.0.1 made by the JDK's keytool:
 * trusted through {@code caFile} it works; without it (JDK roots only) the handshake fails and the
 * batch fails with the reason.
 */
class ForwardTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir static Path dir;
  private static Path keystore;
  private static Path certificate;

  private Vertx vertx;
  private ForwardSink sink;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keystore = dir.resolve("sink.p12");
    certificate = dir.resolve("sink.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "sink",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "1",
        "-dname",
        "CN=forward-sink",
        "-ext",
        "san=ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        new String(PASSWORD));
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "sink",
        "-keystore",
        keystore.toString(),
        "-storepass",
        new String(PASSWORD),
        "-file",
        certificate.toString());
  }

  private static void keytool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("keytool: %s", out).isZero();
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sink = ForwardSink.startTls(keystore, PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    sink.close();
    await(vertx.close(), WAIT);
  }

  private ForwardOutput output(String caFile) {
    return new ForwardOutput(
        vertx,
        new ForwardOutputConfig(
            "127.0.0.1", sink.port(), "tls", true, true, caFile, Duration.ofSeconds(2), WAIT));
  }

  @Test
  void aBatchGoesOverTlsAndIsAcked() throws Exception {
    await(output(certificate.toString()).send(numbered(0, 10)), WAIT);
    assertThat(sink.countsBy("id")).hasSize(10);
    assertThat(sink.acksSent()).isEqualTo(1);
  }

  @Test
  void anUntrustedReceiverFailsTheBatch() throws Exception {
    Throwable failure = failureOf(output(null).send(numbered(0, 1)), WAIT);
    assertThat(failure).isInstanceOf(javax.net.ssl.SSLException.class);
    assertThat(sink.eventCount()).isZero();
  }
}
