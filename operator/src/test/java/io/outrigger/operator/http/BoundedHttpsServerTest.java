package io.outrigger.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.operator.certs.TlsMaterial;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded server on loopback with real TLS clients: each limit, and what stays served. */
class BoundedHttpsServerTest {
  /** The deadline leaves room for a handshake on a machine shared with other builds. */
  private static final Duration DEADLINE = Duration.ofSeconds(3);

  private static final ServerLimits LIMITS =
      new ServerLimits(2, 8, 2, DEADLINE, Duration.ofSeconds(30), 1024);

  private static Vertx vertx;

  @TempDir Path certs;
  private TlsMaterial tls;
  private BoundedHttpsServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<SSLSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @BeforeEach
  void start() throws Exception {
    tls = writePair();
    server =
        BoundedHttpsServer.start(
            vertx,
            "test",
            new InetSocketAddress("127.0.0.1", 0),
            certs.resolve("tls.crt"),
            certs.resolve("tls.key"),
            LIMITS,
            Map.of(
                "/echo",
                new BoundedHttpsServer.Route(
                    "POST",
                    request ->
                        new BoundedHttpsServer.Answer(200, "text/plain", request.body(), Map.of())),
                "/hold",
                new BoundedHttpsServer.Route(
                    "POST",
                    request -> {
                      release.await(30, TimeUnit.SECONDS);
                      return BoundedHttpsServer.Answer.text(200, "released");
                    }),
                "/healthz",
                BoundedHttpsServer.HEALTHZ));
  }

  @AfterEach
  void stop() {
    release.countDown();
    for (SSLSocket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closed by the server already
      }
    }
    server.close();
  }

  private TlsMaterial writePair() throws IOException {
    TlsMaterial pair =
        CertificateIssuer.issue(
            List.of("localhost"),
            List.of("127.0.0.1"),
            Instant.now(),
            Duration.ofDays(365),
            Duration.ofDays(30),
            null);
    Files.writeString(certs.resolve("tls.crt"), pair.servingCert());
    Files.writeString(certs.resolve("tls.key"), pair.servingKey());
    return pair;
  }

  private HttpClient client(TlsMaterial trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : CertificateIssuer.certificates(trusted.caBundle())) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> send(String path, String body) throws Exception {
    return client(tls).send(post(path, body), HttpResponse.BodyHandlers.ofString());
  }

  /** A TLS connection that sent {@code head} and nothing more. */
  private SSLSocket stalled(String head) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AnyServer()}, null);
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
    sockets.add(socket);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** True once the server closed {@code socket} (end of stream or reset). */
  private static boolean closedByServer(SSLSocket socket) {
    try {
      InputStream in = socket.getInputStream();
      return in.read() == -1;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void aRequestIsAnsweredAndTheConnectionKeptForTheNext() throws Exception {
    HttpClient client = client(tls);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          client.send(post("/echo", "hello " + i), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello " + i);
    }
  }

  /**
   * A kept-alive connection idle past the first-request deadline still takes its next request, as
   * the API server's pooled connections do between two pods.
   */
  @Test
  void aKeptAliveConnectionIdlePastTheFirstRequestDeadlineIsStillServed() throws Exception {
    SSLSocket socket = stalled("");
    assertThat(exchange(socket, "first")).isEqualTo("first");
    Thread.sleep(DEADLINE.plusSeconds(2).toMillis());
    assertThat(exchange(socket, "second")).isEqualTo("second");
    assertThat(server.closedWaiting()).isZero();
  }

  /** One request on {@code socket} and its answer's body (HTTP/1.1, Content-Length). */
  private static String exchange(SSLSocket socket, String body) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body)
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    int length = -1;
    String line;
    while (!(line = line(in)).isEmpty()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new IOException("closed by the server");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void aHeadThatTricklesInIsClosedAtTheDeadline() throws Exception {
    SSLSocket loris = stalled("POST /echo HTTP/1.1\r\nHost: localhost\r\n");
    long start = System.nanoTime();
    Thread trickle =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 100; i++) {
                  Thread.sleep(200);
                  loris.getOutputStream().write(("X-" + i + ": y\r\n").getBytes());
                }
              } catch (IOException | InterruptedException e) {
                // closed by the server: what the test waits for
              }
            });
    trickle.setDaemon(true);
    trickle.start();
    assertThat(closedByServer(loris)).isTrue();
    Duration held = Duration.ofNanos(System.nanoTime() - start);
    assertThat(held).isLessThan(DEADLINE.plusSeconds(5)).isGreaterThan(DEADLINE.minusSeconds(2));
    assertThat(server.closedWaiting()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aBodyThatNeverArrivesIsClosedAtTheDeadline() throws Exception {
    SSLSocket loris =
        stalled("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");
    long start = System.nanoTime();
    assertThat(closedByServer(loris)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(5));
  }

  @Test
  void atTheConnectionCapTheLongestWaitingConnectionMakesRoomForARealClient() throws Exception {
    List<SSLSocket> lorises = new ArrayList<>();
    for (int i = 0; i < LIMITS.maxConnections(); i++) {
      lorises.add(stalled("POST /echo HTTP/1.1\r\n"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 8);
    HttpResponse<String> response = send("/echo", "still served");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.closedAtCap()).isGreaterThanOrEqualTo(1);
    assertThat(closedByServer(lorises.get(0))).as("the oldest loris went").isTrue();
    assertThat(server.openConnections()).isLessThanOrEqualTo(LIMITS.maxConnections());
  }

  @Test
  void beyondTheInFlightCapARequestIsAnswered503AtOnce() throws Exception {
    HttpClient client = client(tls);
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (int i = 0; i < LIMITS.maxInFlight(); i++) {
      held.add(client.sendAsync(post("/hold", "x"), HttpResponse.BodyHandlers.ofString()));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              HttpResponse<String> busy = send("/echo", "one more");
              assertThat(busy.statusCode()).isEqualTo(503);
            });
    assertThat(server.refusedBusy()).isGreaterThanOrEqualTo(1);
    release.countDown();
    for (CompletableFuture<HttpResponse<String>> response : held) {
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(send("/echo", "free again").statusCode()).isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() throws Exception {
    assertThat(send("/echo", "x".repeat(LIMITS.maxBodyBytes() + 1)).statusCode()).isEqualTo(413);
    assertThat(send("/echo", "x".repeat(LIMITS.maxBodyBytes())).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAndOtherMethodsAreRefused() throws Exception {
    assertThat(send("/elsewhere", "x").statusCode()).isEqualTo(404);
    assertThat(send("/healthz", "x").statusCode()).isEqualTo(405);
    HttpResponse<String> health =
        client(tls)
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + server.port() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void aRenewedCertificateIsServedFromTheNextHandshake() throws Exception {
    BigInteger first = servedSerial();
    TlsMaterial renewed = writePair();
    FileTime later = FileTime.from(Instant.now().plusSeconds(2));
    Files.setLastModifiedTime(certs.resolve("tls.crt"), later);
    Files.setLastModifiedTime(certs.resolve("tls.key"), later);
    await().atMost(Duration.ofSeconds(10)).until(() -> !servedSerial().equals(first));
    assertThat(
            client(renewed)
                .send(post("/echo", "new"), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }

  private BigInteger servedSerial() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AnyServer()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** The test's raw sockets only look at what the server does, not whom it is. */
  private static final class AnyServer implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
