package io.outrigger.sidecar.logs.sink;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the HTTP log sinks (OTLP, Loki, JSON lines) share: a loopback server on an ephemeral port
 * that decodes each POST to {@link #path} with the format's real decoder, answers 2xx when it
 * decoded (that is the output's ack), 400 with the reason when it did not, and switches for failure
 * tests: {@link #stop()}/{@link #resume()} (receiver down, same port), {@link #failNext} (answer an
 * error status without storing), {@link #answerDelay} (slow acks), {@link #maxBodyBytes} (413 for
 * larger bodies).
 */
public abstract class HttpTestSink implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final String path;
  private final List<String> rejected = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile int failStatus = 503;
  private volatile Duration answerDelay = Duration.ZERO;
  private volatile int maxBodyBytes = Integer.MAX_VALUE;
  private final AtomicLong tooLarge = new AtomicLong();
  private volatile HttpServer server;
  private int port;

  protected HttpTestSink(String path) {
    this.path = path;
    this.server = listen(0);
    this.port = server.actualPort();
  }

  private HttpServer listen(int onPort) {
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(onPort))
        .requestHandler(this::handle)
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .join();
  }

  /** {@code http://127.0.0.1:<port>}, the base URL outputs are configured with. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Requests received (stored, refused or failed on purpose). */
  public long requests() {
    return requests.get();
  }

  /** Why bodies were refused (400); empty when every body decoded. */
  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** The next {@code count} requests get {@code status} and are not stored. */
  public void failNext(int count, int status) {
    this.failStatus = status;
    this.failNext.set(count);
  }

  /**
   * Bodies over {@code bytes} are answered 413 and not stored, as a receiver behind a body limit
   * (nginx's {@code client_max_body_size}, a collector's {@code max_request_body_size}) does.
   */
  public void maxBodyBytes(int bytes) {
    this.maxBodyBytes = bytes;
  }

  /** Requests answered 413. */
  public long tooLarge() {
    return tooLarge.get();
  }

  /** Waits this long before answering each request. */
  public void answerDelay(Duration delay) {
    this.answerDelay = delay;
  }

  /** Receiver down: stops listening and closes connections. */
  public synchronized void stop() {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
      server = null;
    }
  }

  /** Receiver up again, on the same port. */
  public synchronized void resume() {
    if (server == null) {
      server = listen(port);
    }
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Decodes and stores one body; throws with the reason when it is not the format. */
  protected abstract void accept(HttpServerRequest request, Buffer body) throws Exception;

  /** The body of a successful answer. */
  protected Buffer okBody() {
    return Buffer.buffer();
  }

  protected int okStatus() {
    return 200;
  }

  protected String okContentType() {
    return "text/plain";
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              requests.incrementAndGet();
              if (!answerDelay.isZero()) {
                vertx.setTimer(answerDelay.toMillis(), id -> answer(request, body));
              } else {
                answer(request, body);
              }
            });
  }

  private void answer(HttpServerRequest request, Buffer body) {
    if (!request.path().equals(path) || !request.method().name().equals("POST")) {
      request.response().setStatusCode(404).end("only POST " + path);
      return;
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      request.response().setStatusCode(failStatus).end("failing on purpose");
      return;
    }
    if (body.length() > maxBodyBytes) {
      tooLarge.incrementAndGet();
      request.response().setStatusCode(413).end("body over " + maxBodyBytes + " bytes");
      return;
    }
    try {
      accept(request, body);
    } catch (Exception e) {
      rejected.add(e.toString());
      request.response().setStatusCode(400).end(e.toString());
      return;
    }
    request
        .response()
        .setStatusCode(okStatus())
        .putHeader("content-type", okContentType())
        .end(okBody());
  }
}
