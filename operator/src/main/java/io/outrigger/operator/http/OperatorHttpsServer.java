package io.outrigger.operator.http;

import io.outrigger.operator.report.ReportForwarder;
import io.outrigger.operator.report.ReportIntake;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.server.MutateEndpoint;
import io.outrigger.webhook.server.ReloadingKeyManager;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's two HTTPS servers, run by every replica, each a {@link BoundedHttpsServer} with
 * its own port, limits and handler threads (ADR 0007): admission ({@code POST /mutate}, the
 * webhook's handler, called by the API server only) and reports ({@code POST /v1/reports}, called
 * by every sidecar), both with {@code GET /healthz}. Whatever holds the report port cannot take
 * admission's threads or connections. A renewed certificate written to the files is served from the
 * next handshake on. Quarkus serves {@code /q/*} on its own plain port.
 */
public final class OperatorHttpsServer implements AutoCloseable {

  /** Where each server listens and what it allows. */
  public record Ports(
      InetSocketAddress admission,
      ServerLimits admissionLimits,
      InetSocketAddress reports,
      ServerLimits reportLimits) {

    /** Both on {@code host}, any free ports, the default limits. */
    public static Ports loopback(String host) {
      return new Ports(
          new InetSocketAddress(host, 0),
          ServerLimits.ADMISSION,
          new InetSocketAddress(host, 0),
          ServerLimits.REPORTS);
    }
  }

  private final BoundedHttpsServer admission;
  private final BoundedHttpsServer reports;

  private OperatorHttpsServer(BoundedHttpsServer admission, BoundedHttpsServer reports) {
    this.admission = admission;
    this.reports = reports;
  }

  /**
   * Serves admission and reports with the PEM pair in {@code certFile}/{@code keyFile}; with a
   * {@code forwarder}, an authenticated report reaching this replica while another one leads is
   * forwarded to the leader (ADR 0005).
   */
  public static OperatorHttpsServer start(
      Vertx vertx,
      Ports ports,
      Path certFile,
      Path keyFile,
      AdmissionHandler admissionHandler,
      ReportIntake intake,
      Optional<ReportForwarder> forwarder)
      throws IOException, GeneralSecurityException {
    BoundedHttpsServer admission =
        BoundedHttpsServer.start(
            vertx,
            "admission",
            ports.admission(),
            certFile,
            keyFile,
            ports.admissionLimits(),
            Map.of(
                "/mutate",
                new BoundedHttpsServer.Route("POST", request -> mutate(admissionHandler, request)),
                "/healthz",
                BoundedHttpsServer.HEALTHZ));
    try {
      BoundedHttpsServer reports =
          BoundedHttpsServer.start(
              vertx,
              "reports",
              ports.reports(),
              certFile,
              keyFile,
              ports.reportLimits(),
              Map.of(
                  "/v1/reports",
                  new BoundedHttpsServer.Route(
                      "POST", request -> report(intake, forwarder, request)),
                  "/healthz",
                  BoundedHttpsServer.HEALTHZ));
      return new OperatorHttpsServer(admission, reports);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      admission.close();
      throw e;
    }
  }

  public int admissionPort() {
    return admission.port();
  }

  public int reportPort() {
    return reports.port();
  }

  public BoundedHttpsServer admission() {
    return admission;
  }

  public BoundedHttpsServer reports() {
    return reports;
  }

  /** The admission server's key manager (both servers read the same files). */
  public ReloadingKeyManager keys() {
    return admission.keys();
  }

  private static BoundedHttpsServer.Answer mutate(
      AdmissionHandler handler, BoundedHttpsServer.Request request) {
    MutateEndpoint.Answer answer = MutateEndpoint.answer(handler, request.body());
    return new BoundedHttpsServer.Answer(
        answer.status(), answer.contentType(), answer.body(), Map.of());
  }

  private static BoundedHttpsServer.Answer report(
      ReportIntake intake,
      Optional<ReportForwarder> forwarder,
      BoundedHttpsServer.Request request) {
    String forwardedBy = request.header().apply(ReportForwarder.FORWARDED_BY);
    ReportIntake.Answer answer =
        intake.accept(
            request.header().apply("Authorization"),
            request.body(),
            (authorization, body) ->
                forwarder.flatMap(f -> f.forward(authorization, body, forwardedBy)));
    return new BoundedHttpsServer.Answer(
        answer.status(),
        answer.contentType(),
        (answer.message() + "\n").getBytes(StandardCharsets.UTF_8),
        answer.status() == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of());
  }

  @Override
  public void close() {
    try {
      reports.close();
    } finally {
      admission.close();
    }
  }
}
