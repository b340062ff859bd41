package io.outrigger.sidecar.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.config.SidecarReport;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end of {@code POST /v1/reports} over HTTPS, decoding with the shared {@link
 * SidecarReport} model the operator uses. It stands in for the operator so a sidecar's reporting
 * can be checked without a cluster; the operator's own ITs check its end against a real API server.
 */
final class ReportReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One report as it arrived. */
  record Received(String authorization, SidecarReport report) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<String> malformed = new CopyOnWriteArrayList<>();
  volatile int answer = 202;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  ReportReceiver(Path cert, Path key) throws Exception {
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(cert.toString())
                            .setKeyPath(key.toString())))
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              if (!request.path().equals("/v1/reports")) {
                                request.response().setStatusCode(404).end();
                                return;
                              }
                              try {
                                received.add(
                                    new Received(
                                        request.getHeader("Authorization"),
                                        JSON.readValue(body.getBytes(), SidecarReport.class)));
                              } catch (IOException e) {
                                malformed.add(e.getMessage());
                                request.response().setStatusCode(400).end(e.getMessage());
                                return;
                              }
                              request.response().setStatusCode(answer).end();
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "https://127.0.0.1:" + server.actualPort() + "/v1/reports";
  }

  SidecarReport last() {
    return received.get(received.size() - 1).report();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
