package io.outrigger.webhook.server;

import io.outrigger.webhook.admission.AdmissionHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * A small standalone HTTPS server for the admission handler: {@code POST /mutate}, {@code GET
 * /metrics}, {@code GET /healthz}. The operator serves the same {@link MutateEndpoint} on its own
 * port beside its other routes; this one serves tests, benchmarks and a webhook run on its own. The
 * certificate is re-read when its files change.
 */
public final class AdmissionHttpsServer implements AutoCloseable {
  private final ReloadingHttpsServer server;

  private AdmissionHttpsServer(ReloadingHttpsServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code address} (port 0: any free port) with the PEM certificate chain and
   * PKCS#8 key in {@code certFile} and {@code keyFile}.
   */
  public static AdmissionHttpsServer start(
      InetSocketAddress address, Path certFile, Path keyFile, AdmissionHandler handler, int threads)
      throws IOException, GeneralSecurityException {
    return new AdmissionHttpsServer(
        ReloadingHttpsServer.start(
            address,
            certFile,
            keyFile,
            threads,
            Map.of(
                "/mutate",
                new MutateEndpoint(handler),
                "/metrics",
                exchange -> {
                  try (exchange) {
                    ReloadingHttpsServer.respond(
                        exchange,
                        200,
                        "text/plain; version=0.0.4",
                        handler.metrics().prometheusText());
                  }
                },
                "/healthz",
                ReloadingHttpsServer.HEALTHZ)));
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public int port() {
    return server.port();
  }

  public ReloadingKeyManager keys() {
    return server.keys();
  }

  /** Stops accepting, lets in-flight requests finish for up to a second, and frees the port. */
  @Override
  public void close() {
    server.close();
  }
}
