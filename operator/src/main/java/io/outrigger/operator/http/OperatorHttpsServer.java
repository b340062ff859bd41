package io.outrigger.operator.http;

import com.sun.net.httpserver.HttpExchange;
import io.outrigger.operator.report.ReportForwarder;
import io.outrigger.operator.report.ReportIntake;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.server.MutateEndpoint;
import io.outrigger.webhook.server.ReloadingHttpsServer;
import io.outrigger.webhook.server.ReloadingKeyManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's HTTPS port, served by every replica: {@code POST /mutate} (the webhook's {@link
 * MutateEndpoint}), {@code POST /v1/reports} (sidecar reports) and {@code GET /healthz}, on the
 * webhook's {@link ReloadingHttpsServer}: a renewed certificate written to the files is served from
 * the next handshake on, without a restart. Quarkus serves {@code /q/*} on its own plain port.
 */
public final class OperatorHttpsServer implements AutoCloseable {

  /** A report is a few KB. */
  static final int MAX_REPORT_BYTES = 64 * 1024;

  private final ReloadingHttpsServer server;

  private OperatorHttpsServer(ReloadingHttpsServer server) {
    this.server = server;
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
    return start(address, certFile, keyFile, admission, reports, Optional.empty(), threads);
  }

  /**
   * As above; with a {@code forwarder}, a report reaching this replica while another one leads is
   * forwarded to the leader (ADR 0005).
   */
  public static OperatorHttpsServer start(
      InetSocketAddress address,
      Path certFile,
      Path keyFile,
      AdmissionHandler admission,
      ReportIntake reports,
      Optional<ReportForwarder> forwarder,
      int threads)
      throws IOException, GeneralSecurityException {
    return new OperatorHttpsServer(
        ReloadingHttpsServer.start(
            address,
            certFile,
            keyFile,
            threads,
            Map.of(
                "/mutate",
                new MutateEndpoint(admission),
                "/v1/reports",
                exchange -> report(exchange, reports, forwarder),
                "/healthz",
                ReloadingHttpsServer.HEALTHZ)));
  }

  public int port() {
    return server.port();
  }

  public ReloadingKeyManager keys() {
    return server.keys();
  }

  private static void report(
      HttpExchange exchange, ReportIntake reports, Optional<ReportForwarder> forwarder)
      throws IOException {
    try (exchange) {
      byte[] body = ReloadingHttpsServer.postBody(exchange, MAX_REPORT_BYTES, "a report");
      if (body == null) {
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String forwardedBy = exchange.getRequestHeaders().getFirst(ReportForwarder.FORWARDED_BY);
      ReportIntake.Answer answer =
          forwarder
              .flatMap(f -> f.forward(authorization, body, forwardedBy))
              .orElseGet(() -> reports.accept(authorization, body));
      if (answer.status() == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      ReloadingHttpsServer.respond(
          exchange, answer.status(), "text/plain", answer.message() + "\n");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
