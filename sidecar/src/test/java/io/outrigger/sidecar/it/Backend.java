package io.outrigger.sidecar.it;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/** A real HTTP app on an ephemeral loopback port, its behaviour set per test. */
final class Backend implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  private volatile Handler<HttpServerRequest> handler = r -> r.response().end("ok");
  final HttpServer server;

  Backend() {
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(r -> handler.handle(r))
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  void handle(Handler<HttpServerRequest> next) {
    this.handler = next;
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
