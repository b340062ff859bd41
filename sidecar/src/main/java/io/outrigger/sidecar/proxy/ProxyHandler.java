package io.outrigger.sidecar.proxy;

import io.opentelemetry.api.trace.Span;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;

/**
 * Proxies one request to the app: rate limit, headers for the app, server span, then the request
 * body streams to the app and the response streams back (both piped with backpressure, never
 * buffered whole). WebSocket upgrades become a raw byte tunnel once the app answers 101. Failures
 * before the response started become the sidecar's own answers (503 refused, 504 timeout, 502
 * reset); after that the client connection is reset, as any proxy must.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {
  static final String ERROR_HEADER = "x-outrigger-error";

  /** {@code error.type} of a request whose client closed the connection before any response. */
  static final String CLIENT_CLOSED = "client_closed";

  private final ListenerPorts port;
  private final ListenerSettings settings;
  private final HttpClient client;
  private final ServerSpans spans;
  private final ProxyMetrics metrics;
  private final SocketAddress app;

  ProxyHandler(
      ListenerPorts port,
      ListenerSettings settings,
      HttpClient client,
      ServerSpans spans,
      ProxyMetrics metrics) {
    this.port = port;
    this.settings = settings;
    this.client = client;
    this.spans = spans;
    this.metrics = metrics;
    this.app = SocketAddress.inetSocketAddress(port.appPort(), "127.0.0.1");
    for (UpstreamFailure failure : UpstreamFailure.values()) {
      metrics.declareUpstreamFailure(port.name(), failure.code());
    }
  }

  @Override
  public void handle(HttpServerRequest request) {
    // Nothing may be read before the app connection is there to take it.
    request.pause();
    Exchange exchange = new Exchange(request, settings.routes().label(request.path()));
    Duration wait = rateLimitWait();
    if (!wait.isZero()) {
      exchange.rateLimited(wait);
      return;
    }
    boolean upgrade = request.version() != HttpVersion.HTTP_2 && request.canUpgradeToWebSocket();
    MultiMap toApp = ForwardedHeaders.forApp(request, upgrade);
    exchange.span = spans.start(exchange.view, toApp, exchange.route);
    var proxy = settings.config();
    RequestOptions options =
        new RequestOptions()
            .setServer(app)
            .setMethod(request.method())
            .setURI(request.uri())
            .setHeaders(toApp)
            .setConnectTimeout(proxy.connectTimeout().toMillis())
            .setIdleTimeout(proxy.requestTimeout().toMillis());
    client
        .request(options)
        .onSuccess(
            toAppRequest -> {
              if (upgrade) {
                exchange.tunnel(toAppRequest);
              } else {
                exchange.forward(toAppRequest);
              }
            })
        .onFailure(exchange::failed);
  }

  private Duration rateLimitWait() {
    TokenBucket bucket = settings.bucket();
    return bucket == null ? Duration.ZERO : bucket.tryAcquire(System.nanoTime());
  }

  /** One request's journey; finishes (metrics, span) exactly once whatever happens. */
  private final class Exchange {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final String route;
    private final RequestView view;
    private final long start = System.nanoTime();
    private Span span;
    private String error;
    private boolean finished;

    Exchange(HttpServerRequest request, String route) {
      this.request = request;
      this.response = request.response();
      this.route = route;
      this.view = RequestView.of(request);
      response.endHandler(v -> finish());
      response.closeHandler(v -> finish());
    }

    void forward(HttpClientRequest toApp) {
      boolean withBody = true;
      if (request.headers().contains("content-length")) {
        toApp.putHeader("content-length", request.headers().get("content-length"));
      } else if (hasBodyOfUnknownLength(request)) {
        toApp.setChunked(true);
      } else {
        withBody = false;
      }
      // A client that goes away takes its request to the app with it.
      response.closeHandler(
          v -> {
            if (!response.ended()) {
              toApp.reset();
            }
            finish();
          });
      // Sending the request as a stream would make a bodiless one chunked: sent without one.
      Future<HttpClientResponse> sent;
      if (withBody) {
        sent = toApp.send(request);
      } else {
        request.resume();
        sent = toApp.send();
      }
      sent.onSuccess(this::relay).onFailure(this::failed);
    }

    void tunnel(HttpClientRequest toApp) {
      toApp
          .connect()
          .onSuccess(
              fromApp -> {
                if (fromApp.statusCode() != 101) {
                  relay(fromApp);
                  return;
                }
                response.setStatusCode(101);
                ForwardedHeaders.toClient(fromApp.headers(), response.headers());
                response
                    .headers()
                    .set("connection", "Upgrade")
                    .set("upgrade", fromApp.getHeader("upgrade"));
                request
                    .toNetSocket()
                    .onSuccess(
                        clientSocket -> {
                          var appSocket = fromApp.netSocket();
                          clientSocket.pipeTo(appSocket);
                          appSocket.pipeTo(clientSocket);
                          finish();
                        })
                    .onFailure(this::failed);
              })
          .onFailure(this::failed);
      request.resume();
    }

    private void relay(HttpClientResponse fromApp) {
      response.setStatusCode(fromApp.statusCode());
      response.setStatusMessage(fromApp.statusMessage());
      ForwardedHeaders.toClient(fromApp.headers(), response.headers());
      if (settings.draining() && request.version() != HttpVersion.HTTP_2) {
        response.headers().set("connection", "close");
      }
      if (!response.headers().contains("content-length")
          && request.version() != HttpVersion.HTTP_2) {
        response.setChunked(true);
      }
      // endOnFailure(false): a body the app breaks off must not be ended as if it were complete
      // (a terminating chunk would tell the client it got everything).
      fromApp
          .pipe()
          .endOnFailure(false)
          .to(response)
          .onFailure(
              cause -> {
                // Headers are out: the status cannot change any more, so the client must see a
                // broken response.
                error = UpstreamFailure.RESET.code();
                response.reset();
              });
    }

    void failed(Throwable cause) {
      UpstreamFailure failure = UpstreamFailure.of(cause);
      metrics.upstreamFailure(port.name(), failure.code());
      if (response.headWritten()) {
        error = failure.code();
        response.reset();
        return;
      }
      answer(
          failure.status(),
          failure.code(),
          failure.body(port.appPort(), settings.config().requestTimeout()));
    }

    void rateLimited(Duration wait) {
      RateLimitAnswer limited =
          RateLimitAnswer.of(wait, settings.config().rateLimit().requestsPerSecond());
      response.putHeader("retry-after", limited.retryAfter());
      answer(RateLimitAnswer.STATUS, RateLimitAnswer.CODE, limited.body());
    }

    /**
     * The sidecar's own answer: plain text naming the sidecar; the client's unread body is drained,
     * not sent on.
     */
    private void answer(int status, String code, String body) {
      // A 429 is an answer, not a failure of the exchange: the conventions leave 4xx server spans
      // unset.
      if (status >= 500) {
        error = code;
      }
      request.resume();
      response
          .setStatusCode(status)
          .putHeader("content-type", "text/plain; charset=utf-8")
          .putHeader(ERROR_HEADER, code)
          .end(body);
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      // A client that left before any answer got no status: 0, not the default 200.
      int status = response.headWritten() ? response.getStatusCode() : 0;
      metrics.record(
          "inbound",
          port.name(),
          request.method().name(),
          status,
          route,
          System.nanoTime() - start,
          request.bytesRead(),
          response.bytesWritten());
      // A client that went away before any response got no status: its request failed.
      boolean answered = response.headWritten();
      spans.end(
          span,
          view,
          route,
          answered ? status : 0,
          error != null ? error : answered ? null : CLIENT_CLOSED,
          start);
    }
  }

  /**
   * A body without a Content-Length: in HTTP/1.x only a chunked one (RFC 9112 §6.3, a request with
   * neither header has no body); in HTTP/2 a stream its headers did not end.
   */
  static boolean hasBodyOfUnknownLength(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_2
        ? !request.isEnded()
        : request.headers().contains("transfer-encoding");
  }
}
