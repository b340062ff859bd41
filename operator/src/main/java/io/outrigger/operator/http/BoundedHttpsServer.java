package io.outrigger.operator.http;

import io.outrigger.webhook.server.ReloadingKeyManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An HTTPS server no client can stall: Vert.x's HTTP/1.1 server (connections cost no thread while
 * they send or wait) with the certificate re-read when its files change ({@link
 * ReloadingKeyManager}, from the next handshake), and the {@link ServerLimits}: a deadline for each
 * complete request, a connection cap that closes the longest-waiting connection, an in-flight cap
 * answered 503 at once, a bounded body, and handler threads of its own. Routes are exact paths;
 * each route's work runs on those threads with the whole body in hand.
 */
public final class BoundedHttpsServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BoundedHttpsServer.class.getName());

  /** How often waiting connections are checked against the request deadline. */
  private static final long SWEEP_MILLIS = 250;

  /** A request as a route sees it: read in full. */
  public record Request(String method, String path, Function<String, String> header, byte[] body) {}

  /** What a route answers. */
  public record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Answer text(int status, String text) {
      return new Answer(
          status, "text/plain", (text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  /** A route's work, on the server's own handler threads. */
  @FunctionalInterface
  public interface Handler {
    Answer handle(Request request) throws Exception;
  }

  /** {@code method} requests to a path go to {@code handler}; others get 405. */
  public record Route(String method, Handler handler) {}

  /** The answer both servers give on {@code GET /healthz}. */
  public static final Route HEALTHZ = new Route("GET", request -> Answer.text(200, "ok"));

  private final String name;
  private final Vertx vertx;
  private final ServerLimits limits;
  private final Map<String, Route> routes;
  private final ReloadingKeyManager keys;
  private final WorkerExecutor workers;
  private final ConnectionBook<HttpConnection> book;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong closedWaiting = new AtomicLong();
  private final AtomicLong closedAtCap = new AtomicLong();
  private final AtomicLong refusedBusy = new AtomicLong();
  private volatile boolean closing;
  private HttpServer server;
  private long sweeper;

  private BoundedHttpsServer(
      String name,
      Vertx vertx,
      ServerLimits limits,
      Map<String, Route> routes,
      ReloadingKeyManager keys) {
    this.name = name;
    this.vertx = vertx;
    this.limits = limits;
    this.routes = Map.copyOf(routes);
    this.keys = keys;
    this.workers = vertx.createSharedWorkerExecutor("outrigger-" + name, limits.threads());
    this.book = new ConnectionBook<>(limits.maxConnections());
  }

  /**
   * Serves {@code routes} on {@code address} (port 0: any free port) with the PEM chain and PKCS#8
   * key in {@code certFile}/{@code keyFile}; {@code name} names its threads.
   */
  public static BoundedHttpsServer start(
      Vertx vertx,
      String name,
      InetSocketAddress address,
      Path certFile,
      Path keyFile,
      ServerLimits limits,
      Map<String, Route> routes)
      throws IOException, GeneralSecurityException {
    BoundedHttpsServer server =
        new BoundedHttpsServer(
            name, vertx, limits, routes, new ReloadingKeyManager(certFile, keyFile));
    server.listen(address);
    return server;
  }

  private void listen(InetSocketAddress address) throws IOException {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(address.getHostString())
            .setPort(address.getPort())
            .setSsl(true)
            .setKeyCertOptions(KeyCertOptions.wrap(keys))
            .setUseAlpn(false) // HTTP/1.1 only: one request per connection at a time
            .setTcpNoDelay(true)
            .setSslHandshakeTimeout(limits.requestTimeout().toMillis())
            .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
            .setIdleTimeout((int) limits.idleTimeout().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setAcceptBacklog(1024);
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(this::connected)
            .requestHandler(this::request)
            .invalidRequestHandler(this::invalid);
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("cannot listen on " + address + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + address, e);
    } catch (TimeoutException e) {
      throw new IOException("binding " + address + " timed out", e);
    }
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
  }

  public int port() {
    return server.actualPort();
  }

  public ReloadingKeyManager keys() {
    return keys;
  }

  /** Connections closed for not delivering a request within the deadline. */
  public long closedWaiting() {
    return closedWaiting.get();
  }

  /** Connections closed to stay within the connection cap. */
  public long closedAtCap() {
    return closedAtCap.get();
  }

  /** Requests answered 503 because {@link ServerLimits#maxInFlight()} were being handled. */
  public long refusedBusy() {
    return refusedBusy.get();
  }

  public int openConnections() {
    return book.size();
  }

  private void connected(HttpConnection connection) {
    connection.closeHandler(v -> book.closed(connection));
    book.opened(connection, System.nanoTime())
        .ifPresent(
            victim -> {
              closedAtCap.incrementAndGet();
              victim.close();
            });
  }

  private void sweep() {
    for (HttpConnection connection :
        book.expired(
            System.nanoTime(), limits.requestTimeout().toNanos(), limits.idleTimeout().toNanos())) {
      closedWaiting.incrementAndGet();
      connection.close();
    }
  }

  /** A request head Vert.x could not read (too long a line or head): 400, then closed. */
  private void invalid(HttpServerRequest request) {
    finish(request, Answer.text(400, "bad request"), true);
  }

  private void request(HttpServerRequest request) {
    Route route = routes.get(request.path());
    if (route == null) {
      finish(request, Answer.text(404, "not found"), true);
      return;
    }
    if (!route.method().equals(request.method().name())) {
      finish(request, Answer.text(405, route.method() + " only"), true);
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && tooLong(length)) {
      finish(
          request, Answer.text(413, "body larger than " + limits.maxBodyBytes() + " bytes"), true);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if (body.length() + chunk.length() > limits.maxBodyBytes()) {
            refused[0] = true;
            finish(
                request,
                Answer.text(413, "body larger than " + limits.maxBodyBytes() + " bytes"),
                true);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        v -> {
          if (!refused[0]) {
            handle(request, route, body.getBytes());
          }
        });
    request.exceptionHandler(e -> request.connection().close());
  }

  private boolean tooLong(String length) {
    try {
      return Long.parseLong(length.strip()) > limits.maxBodyBytes();
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private void handle(HttpServerRequest request, Route route, byte[] body) {
    HttpConnection connection = request.connection();
    book.busy(connection);
    if (closing) {
      finish(request, Answer.text(503, "shutting down; retry"), true);
      return;
    }
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      refusedBusy.incrementAndGet();
      finish(request, Answer.text(503, "busy; retry"), false);
      return;
    }
    Request seen = new Request(request.method().name(), request.path(), request::getHeader, body);
    Future<Answer> answer =
        workers.executeBlocking(
            () -> {
              try {
                return route.handler().handle(seen);
              } catch (Exception | Error e) {
                // Routes answer their own failures; reaching here is a bug, and a 500 makes
                // the API server apply the webhook's failurePolicy rather than wait.
                LOG.log(Level.SEVERE, name + " route " + seen.path() + " failed", e);
                return Answer.text(500, "internal error");
              }
            },
            false);
    answer.onComplete(
        done -> {
          inFlight.decrementAndGet();
          finish(
              request,
              done.succeeded() ? done.result() : Answer.text(500, "internal error"),
              false);
        });
  }

  private void finish(HttpServerRequest request, Answer answer, boolean close) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType());
    answer.headers().forEach(response::putHeader);
    if (close) {
      response.putHeader("Connection", "close");
    }
    HttpConnection connection = request.connection();
    response
        .end(Buffer.buffer(answer.body()))
        .onComplete(
            v -> {
              if (close) {
                connection.close();
              } else {
                book.answered(connection, System.nanoTime());
              }
            });
  }

  /**
   * Stops taking requests, lets those being handled finish for up to a second, then closes every
   * connection and frees the port.
   */
  @Override
  public void close() {
    closing = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    vertx.cancelTimer(sweeper);
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.WARNING, name + " server did not close cleanly: " + e);
    }
    workers.close();
  }
}
