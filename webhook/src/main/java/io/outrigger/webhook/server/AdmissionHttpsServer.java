package io.outrigger.webhook.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.MalformedAdmissionReviewException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * A small standalone HTTPS server for the admission handler on the JDK's HTTP server: {@code POST
 * /mutate}, {@code GET /metrics}, {@code GET /healthz}. The operator serves the same handler from
 * its own HTTP stack; this one serves tests, benchmarks and a webhook run on its own. The
 * certificate is re-read when its files change.
 */
public final class AdmissionHttpsServer implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise, so every small admission
    // response waited
    // ~40 ms for the API server's delayed ACK (bench/webhook.sh: +52 ms per pod create). Read once,
    // at first use.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final Logger LOG = Logger.getLogger(AdmissionHttpsServer.class.getName());

  /** The API server sends at most a few MB per object; more is not an admission request. */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpsServer server;
  private final ExecutorService executor;
  private final AdmissionHandler handler;
  private final ReloadingKeyManager keys;

  private AdmissionHttpsServer(
      HttpsServer server,
      ExecutorService executor,
      AdmissionHandler handler,
      ReloadingKeyManager keys) {
    this.server = server;
    this.executor = executor;
    this.handler = handler;
    this.keys = keys;
  }

  /**
   * Starts serving on {@code address} (port 0: any free port) with the PEM certificate chain and
   * PKCS#8 key in {@code certFile} and {@code keyFile}.
   */
  public static AdmissionHttpsServer start(
      InetSocketAddress address, Path certFile, Path keyFile, AdmissionHandler handler, int threads)
      throws IOException, GeneralSecurityException {
    ReloadingKeyManager keys = new ReloadingKeyManager(certFile, keyFile);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {keys}, null, null);
    HttpsServer server = HttpsServer.create(address, 128);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    AdmissionHttpsServer admission = new AdmissionHttpsServer(server, executor, handler, keys);
    server.createContext("/mutate", admission::mutate);
    server.createContext("/metrics", admission::metrics);
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.start();
    return admission;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public ReloadingKeyManager keys() {
    return keys;
  }

  private void mutate(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "text/plain", "POST an AdmissionReview\n");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        respond(exchange, 413, "text/plain", "body larger than " + MAX_BODY_BYTES + " bytes\n");
        return;
      }
      byte[] answer;
      try {
        answer = handler.handle(body);
      } catch (MalformedAdmissionReviewException e) {
        respond(exchange, 400, "text/plain", e.getMessage() + "\n");
        return;
      } catch (RuntimeException e) {
        // The handler fails open itself; reaching here is a bug, and a 500 makes the API server
        // apply the webhook's failurePolicy (Ignore) rather than hang.
        LOG.log(Level.SEVERE, "admission handler failed", e);
        respond(exchange, 500, "text/plain", "internal error\n");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange, 200, "text/plain; version=0.0.4", handler.metrics().prometheusText());
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops accepting, lets in-flight requests finish for up to a second, and frees the port. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
