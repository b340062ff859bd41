package io.outrigger.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.operator.report.ReportIntake;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.MalformedAdmissionReviewException;
import io.outrigger.webhook.server.ReloadingKeyManager;
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
 * The operator's HTTPS port, served by every replica: {@code POST /mutate} (the webhook's admission
 * handler), {@code POST /v1/reports} (sidecar reports) and {@code GET /healthz}. On the JDK's
 * server, with the webhook's {@link ReloadingKeyManager}: a renewed certificate written to the
 * files is served from the next handshake on, without a restart. Quarkus serves {@code /q/*} on its
 * own plain port.
 */
public final class OperatorHttpsServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OperatorHttpsServer.class.getName());

  /** Admission requests carry at most a few MB; a report a few KB. */
  static final int MAX_ADMISSION_BYTES = 4 * 1024 * 1024;

  static final int MAX_REPORT_BYTES = 64 * 1024;

  private final HttpsServer server;
  private final ExecutorService executor;
  private final AdmissionHandler admission;
  private final ReportIntake reports;
  private final ReloadingKeyManager keys;

  private OperatorHttpsServer(
      HttpsServer server,
      ExecutorService executor,
      AdmissionHandler admission,
      ReportIntake reports,
      ReloadingKeyManager keys) {
    this.server = server;
    this.executor = executor;
    this.admission = admission;
    this.reports = reports;
    this.keys = keys;
  }

  /**
   * Serves on {@code address} (port 0: any) with the PEM pair in {@code certFile}/{@code keyFile}.
   */
  public static OperatorHttpsServer start(
      InetSocketAddress address,
      Path certFile,
      Path keyFile,
      AdmissionHandler admission,
      ReportIntake reports,
      int threads)
      throws IOException, GeneralSecurityException {
    ReloadingKeyManager keys = new ReloadingKeyManager(certFile, keyFile);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {keys}, null, null);
    HttpsServer server = HttpsServer.create(address, 256);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    OperatorHttpsServer https = new OperatorHttpsServer(server, executor, admission, reports, keys);
    server.createContext("/mutate", https::mutate);
    server.createContext("/v1/reports", https::report);
    server.createContext("/healthz", e -> respond(e, 200, "text/plain", "ok\n"));
    server.start();
    return https;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public ReloadingKeyManager keys() {
    return keys;
  }

  private void mutate(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = body(exchange, MAX_ADMISSION_BYTES);
      if (body == null) {
        return;
      }
      byte[] answer;
      try {
        answer = admission.handle(body);
      } catch (MalformedAdmissionReviewException e) {
        respond(exchange, 400, "text/plain", e.getMessage() + "\n");
        return;
      } catch (RuntimeException e) {
        // The handler fails open itself; a 500 lets the API server apply failurePolicy.
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

  private void report(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = body(exchange, MAX_REPORT_BYTES);
      if (body == null) {
        return;
      }
      ReportIntake.Answer answer =
          reports.accept(exchange.getRequestHeaders().getFirst("Authorization"), body);
      if (answer.status() == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      respond(exchange, answer.status(), "text/plain", answer.message() + "\n");
    }
  }

  /** The request body, or null when the request was answered already (wrong method, too big). */
  private static byte[] body(HttpExchange exchange, int max) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, "text/plain", "POST only\n");
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

  private static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

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
