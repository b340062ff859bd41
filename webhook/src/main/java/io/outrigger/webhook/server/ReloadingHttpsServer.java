package io.outrigger.webhook.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTPS server as both the standalone webhook and the operator serve with it: the
 * certificate re-read from its files when they change ({@link ReloadingKeyManager}, no restart),
 * {@code TCP_NODELAY} on, a fixed pool of handler threads, and the two things every POST endpoint
 * needs (a bounded body, a plain-text answer). Routes are given by the caller.
 */
public final class ReloadingHttpsServer implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise, so every small response
    // written as two TLS records waited ~40 ms for the client's delayed ACK (bench/webhook.sh:
    // +52 ms per pod create). Read once, when the JDK server classes load: set it before.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final ReloadingKeyManager keys;

  private ReloadingHttpsServer(
      HttpsServer server, ExecutorService executor, ReloadingKeyManager keys) {
    this.server = server;
    this.executor = executor;
    this.keys = keys;
  }

  /**
   * Serves {@code routes} (path prefix → handler) on {@code address} (port 0: any free port) with
   * the PEM certificate chain and PKCS#8 key in {@code certFile} and {@code keyFile}.
   */
  public static ReloadingHttpsServer start(
      InetSocketAddress address,
      Path certFile,
      Path keyFile,
      int threads,
      Map<String, HttpHandler> routes)
      throws IOException, GeneralSecurityException {
    ReloadingKeyManager keys = new ReloadingKeyManager(certFile, keyFile);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {keys}, null, null);
    HttpsServer server = HttpsServer.create(address, 256);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    routes.forEach(server::createContext);
    server.start();
    return new ReloadingHttpsServer(server, executor, keys);
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

  /** {@code 200 ok}: the liveness answer both servers give on {@code /healthz}. */
  public static final HttpHandler HEALTHZ =
      exchange -> {
        try (exchange) {
          respond(exchange, 200, "text/plain", "ok\n");
        }
      };

  /**
   * The body of a POST of at most {@code max} bytes, or null when the request was answered already
   * (405 for another method, 413 when larger).
   */
  public static byte[] postBody(HttpExchange exchange, int max, String whatToPost)
      throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, "text/plain", "POST " + whatToPost + "\n");
      return null;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(max + 1);
    }
    if (body.length > max) {
      respond(exchange, 413, "text/plain", "body larger than " + max + " bytes\n");
      return null;
    }
    return body;
  }

  public static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    respond(exchange, status, type, text.getBytes(StandardCharsets.UTF_8));
  }

  public static void respond(HttpExchange exchange, int status, String type, byte[] bytes)
      throws IOException {
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
