package io.outrigger.sidecar.outbound;

import io.netty.channel.ConnectTimeoutException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.outrigger.config.DurationText;
import io.outrigger.config.SidecarConfig.OutboundConfig;
import io.outrigger.sidecar.proxy.ForwardedHeaders;
import io.outrigger.sidecar.proxy.UpstreamFailure;
import io.outrigger.sidecar.tracing.HeaderCarrier;
import io.outrigger.sidecar.tracing.HttpConventions;
import io.outrigger.sidecar.tracing.SemconvHttpMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The ambassador's HTTP side: forwards the app's requests to their destination with a client span,
 * trace headers, a bearer token for the destinations the policy names ({@link BearerTokenScope}), a
 * timeout, retries within a budget and a circuit breaker per destination; tunnels CONNECT
 * untouched.
 */
final class OutboundHandler implements Handler<HttpServerRequest> {
  /** RFC 9110 §9.2.2: safe to send twice. POST and PATCH never are. */
  static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.OPTIONS,
          HttpMethod.TRACE,
          HttpMethod.PUT,
          HttpMethod.DELETE);

  /** Bodies up to this size are kept so an idempotent request can be sent again. */
  static final int MAX_REPLAY_BYTES = 64 * 1024;

  private final HttpClient client;
  private final NetClient tunnels;
  private final Tracing tracing;
  private final OutboundMetrics metrics;
  private final Destinations destinations;
  private final Map<Integer, SocketAddress> hops;
  private final Supplier<BearerToken> token;
  private final Supplier<Duration> connectTimeout;

  OutboundHandler(
      HttpClient client,
      NetClient tunnels,
      Tracing tracing,
      OutboundMetrics metrics,
      Destinations destinations,
      Map<Integer, SocketAddress> hops,
      Supplier<BearerToken> token,
      Supplier<Duration> connectTimeout) {
    this.client = client;
    this.tunnels = tunnels;
    this.tracing = tracing;
    this.metrics = metrics;
    this.destinations = destinations;
    this.hops = hops;
    this.token = token;
    this.connectTimeout = connectTimeout;
  }

  /** One request from the app, followed through its attempts. */
  private final class Exchange {
    final HttpServerRequest request;
    final OutboundTarget target;
    final String destination;
    final Destinations.State state;
    final OutboundConfig config;
    final long start = System.nanoTime();
    final MultiMap headers;

    /** The app's trace context, the parent of every attempt's span; null when tracing is off. */
    final Context parent;

    Buffer body;
    int retries;

    /** The current attempt's span, until the attempt ends; null when tracing is off. */
    Span span;

    long attemptStart;

    Exchange(HttpServerRequest request, OutboundTarget requested) {
      this.request = request;
      this.config = destinations.config();
      this.headers = ForwardedHeaders.forUpstream(request.headers());
      String authorization = authorization(requested);
      // A token only ever goes to the destination it is meant for: by name, never to whatever
      // address a captured connection was dialling under that name.
      this.target = authorization != null ? requested.byName() : requested;
      if (authorization != null) {
        headers.set("authorization", authorization);
      }
      this.destination = metrics.label(target);
      this.state = destinations.of(target.connectHost() + ":" + target.connectPort());
      // The app forwards the context of the request it is serving (the inbound server span's
      // child), so the client spans join that trace; an app that propagates nothing starts one.
      this.parent =
          tracing.enabled()
              ? tracing
                  .propagator()
                  .extract(Context.root(), request.headers(), HeaderCarrier.GETTER)
              : null;
    }

    /** The token for this request, or null: none set, the app's own, or not a named destination. */
    private String authorization(OutboundTarget requested) {
      BearerToken bearer = token.get();
      if (bearer == null
          || headers.contains("authorization")
          || !BearerTokenScope.admits(config.bearerTokenDestinations(), requested)) {
        return null;
      }
      return bearer.authorization();
    }

    /**
     * Starts an attempt: its span (one per request sent, as the HTTP conventions ask, a resend
     * carrying {@code http.request.resend_count}) and its context in the headers sent, replacing
     * the app's and the previous attempt's. Every attribute a sampler may look at is given at
     * creation.
     */
    void startAttempt() {
      attemptStart = System.nanoTime();
      if (parent == null || !tracing.enabled()) {
        return;
      }
      HttpConventions conventions = tracing.conventions();
      String method = request.method().name();
      SpanBuilder builder =
          tracing
              .tracer()
              .spanBuilder(conventions.spanName(method, null))
              .setSpanKind(SpanKind.CLIENT)
              .setParent(parent)
              .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, conventions.method(method))
              .setAttribute(ServerAttributes.SERVER_ADDRESS, target.host())
              .setAttribute(ServerAttributes.SERVER_PORT, (long) target.port())
              .setAttribute(UrlAttributes.URL_FULL, urlFull(target))
              .setAttribute(UrlAttributes.URL_SCHEME, scheme(target))
              .setAttribute(NetworkAttributes.NETWORK_PEER_ADDRESS, target.connectHost())
              .setAttribute(NetworkAttributes.NETWORK_PEER_PORT, (long) target.connectPort());
      String methodOriginal = conventions.methodOriginal(method);
      if (methodOriginal != null) {
        builder.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, methodOriginal);
      }
      if (retries > 0) {
        builder.setAttribute(HttpAttributes.HTTP_REQUEST_RESEND_COUNT, (long) retries);
      }
      span = builder.startSpan();
      TextMapPropagator propagator = tracing.propagator();
      propagator.fields().forEach(headers::remove);
      propagator.inject(parent.with(span), headers, HeaderCarrier.SETTER);
    }

    /**
     * Ends the current attempt: its span and its {@code http.client.request.duration}.
     *
     * @param status the status the destination answered, or 0 when it answered none
     * @param failure the sidecar's failure code, or null
     */
    void endAttempt(int status, String failure) {
      String errorType = HttpConventions.errorType(SpanKind.CLIENT, status, failure);
      Span ending = span;
      span = null;
      if (ending != null) {
        if (status > 0) {
          ending.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
        }
        if (errorType != null) {
          ending.setStatus(StatusCode.ERROR, failure == null ? "" : failure);
          ending.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
        }
        ending.end();
      }
      SemconvHttpMetrics durations = tracing.httpMetrics();
      if (durations.recording()) {
        durations.client(
            tracing.conventions().method(request.method().name()),
            target.host(),
            target.port(),
            scheme(target),
            status,
            errorType,
            System.nanoTime() - attemptStart);
      }
    }

    boolean retryable() {
      return IDEMPOTENT.contains(request.method()) && body != null;
    }
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause();
    SocketAddress original = hops.get(request.connection().remoteAddress().port());
    if (original == OutboundProxy.NOT_REDIRECTED) {
      original = null;
    }
    OutboundTarget target;
    try {
      target =
          OutboundTarget.of(
              request.method().name(),
              request.uri(),
              request.headers().get("host"),
              original == null ? null : original.hostAddress(),
              original == null ? -1 : original.port());
    } catch (OutboundTarget.NoDestinationException e) {
      answer(request.response(), 400, "bad_request", e.getMessage());
      return;
    }
    if (request.method() == HttpMethod.CONNECT) {
      tunnel(request, target);
      return;
    }
    Exchange exchange = new Exchange(request, target);
    String length = request.headers().get("content-length");
    boolean noBody = length == null && !request.headers().contains("transfer-encoding");
    boolean small = length != null && isSmall(length);
    if (IDEMPOTENT.contains(request.method()) && (noBody || small)) {
      request
          .body()
          .onSuccess(
              body -> {
                exchange.body = body;
                attempt(exchange);
              })
          .onFailure(e -> request.response().reset());
      request.resume();
    } else {
      attempt(exchange);
    }
  }

  private static boolean isSmall(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) <= MAX_REPLAY_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void attempt(Exchange exchange) {
    exchange.startAttempt();
    if (!exchange.state.breaker().tryAcquire()) {
      metrics.circuitOpen(exchange.destination);
      finish(
          exchange,
          503,
          "circuit_open",
          "the circuit to "
              + exchange.target.host()
              + ":"
              + exchange.target.port()
              + " is open after repeated failures; retry later");
      return;
    }
    if (exchange.retries == 0) {
      exchange.state.budget().request();
    }
    OutboundConfig config = exchange.config;
    RequestOptions options =
        new RequestOptions()
            .setMethod(exchange.request.method())
            .setServer(
                SocketAddress.inetSocketAddress(
                    exchange.target.connectPort(), exchange.target.connectHost()))
            .setHost(exchange.target.host())
            .setPort(exchange.target.port())
            .setSsl(exchange.target.ssl())
            .setURI(exchange.target.uri())
            .setHeaders(exchange.headers)
            // Vert.x bounds getting the connection by this deadline: the TCP connect (bounded by
            // the client's connectTimeout) and, for HTTPS, the TLS handshake too.
            .setConnectTimeout(connectionDeadline(exchange).toMillis())
            .setIdleTimeout(config.timeout().toMillis());
    client
        .request(options)
        .onComplete(
            obtained -> {
              if (obtained.failed()) {
                // No connection, so nothing of the request was sent.
                failed(exchange, obtained.cause(), false);
                return;
              }
              HttpClientRequest outgoing = obtained.result();
              (exchange.body != null
                      ? outgoing.send(exchange.body)
                      : outgoing.send(exchange.request))
                  .onComplete(
                      result -> {
                        if (result.failed()) {
                          failed(exchange, result.cause(), true);
                        } else {
                          answered(exchange, result.result());
                        }
                      });
            });
  }

  /**
   * How long getting a connection may take: {@code proxy.connectTimeout} for the TCP connect, and
   * for HTTPS the TLS handshake on top of it, which like any wait for the destination's bytes may
   * take {@code proxy.outbound.timeout}. (A first handshake costs far more than a connect: a cold
   * JVM's TLS stack and the signatures, on a CPU-limited sidecar, can take longer than the 1s
   * default connect timeout.)
   */
  private Duration connectionDeadline(Exchange exchange) {
    Duration connect = connectTimeout.get();
    return exchange.target.ssl() ? connect.plus(exchange.config.timeout()) : connect;
  }

  /**
   * @param sent whether a connection was obtained and the request (maybe) went out on it; a failure
   *     to get the connection (connect, TLS handshake, waiting for the pool) sent nothing
   */
  private void failed(Exchange exchange, Throwable error, boolean sent) {
    exchange.state.breaker().onFailure();
    boolean connectFailure = !sent || isConnectFailure(error);
    boolean tls = !sent && isTlsFailure(error);
    UpstreamFailure failure = UpstreamFailure.of(error);
    // Only a request that never reached the destination may be sent again; a certificate that
    // does not verify will not verify a moment later.
    if (connectFailure && !tls && exchange.retryable() && canRetry(exchange)) {
      exchange.endAttempt(0, failure.code());
      retryNow(exchange);
      return;
    }
    boolean tcpOnly = hasCause(error, ConnectTimeoutException.class);
    String detail =
        switch (failure) {
          case REFUSED -> "the connection to " + where(exchange) + " was refused";
          case TIMEOUT ->
              connectFailure
                  ? "connecting to "
                      + where(exchange)
                      + (tcpOnly || !exchange.target.ssl() ? "" : " (TCP and TLS handshake)")
                      + " took longer than "
                      + DurationText.format(
                          tcpOnly ? connectTimeout.get() : connectionDeadline(exchange))
                  : where(exchange)
                      + " did not answer within "
                      + DurationText.format(exchange.config.timeout());
          case RESET ->
              tls
                  ? "the TLS handshake with " + where(exchange) + " failed: " + error.getMessage()
                  : where(exchange) + " closed the connection before a complete response";
        };
    finish(exchange, failure.status(), failure.code(), detail);
  }

  private void answered(Exchange exchange, HttpClientResponse response) {
    int status = response.statusCode();
    if (status == 502 || status == 503 || status == 504) {
      exchange.state.breaker().onFailure();
    } else {
      exchange.state.breaker().onSuccess();
    }
    if ((status == 502 || status == 503) && exchange.retryable() && canRetry(exchange)) {
      exchange.endAttempt(status, null);
      // Drain the refused answer so its connection can be reused, then go again.
      response.body().onComplete(ignored -> retryNow(exchange));
      return;
    }
    HttpServerResponse toApp = exchange.request.response();
    toApp.setStatusCode(status);
    toApp.setStatusMessage(response.statusMessage());
    ForwardedHeaders.toClient(response.headers(), toApp.headers());
    if (!toApp.headers().contains("content-length")
        && exchange.request.version() != HttpVersion.HTTP_2) {
      // Transfer-Encoding is hop-by-hop: a body of unknown length goes on chunked.
      toApp.setChunked(true);
    }
    response
        .pipeTo(toApp)
        .onComplete(
            done -> {
              exchange.endAttempt(status, done.succeeded() ? null : UpstreamFailure.RESET.code());
              record(exchange, status);
            });
  }

  private boolean canRetry(Exchange exchange) {
    if (exchange.retries >= exchange.config.maxRetries()) {
      return false;
    }
    if (!exchange.state.budget().tryRetry()) {
      metrics.retry(exchange.destination, "budget_exhausted");
      return false;
    }
    return true;
  }

  private void retryNow(Exchange exchange) {
    exchange.retries++;
    metrics.retry(exchange.destination, "retried");
    attempt(exchange);
  }

  private static boolean isConnectFailure(Throwable error) {
    return hasCause(error, ConnectException.class)
        || hasCause(error, ConnectTimeoutException.class);
  }

  private static boolean isTlsFailure(Throwable error) {
    return hasCause(error, SSLException.class);
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static String where(Exchange exchange) {
    return exchange.target.host() + ":" + exchange.target.port();
  }

  /** The sidecar's own answer to the app, in the inbound proxy's format. */
  private void finish(Exchange exchange, int status, String code, String detail) {
    // The destination answered nothing: the status is the sidecar's, not a received one.
    exchange.endAttempt(0, code);
    HttpServerResponse response = exchange.request.response();
    if (response.headWritten()) {
      response.reset();
    } else {
      answer(response, status, code, detail);
    }
    if (exchange.body == null) {
      exchange.request.resume(); // discard what the app still sends
    }
    record(exchange, status);
  }

  private void record(Exchange exchange, int status) {
    long requestBytes =
        exchange.body != null ? exchange.body.length() : exchange.request.bytesRead();
    metrics.request(
        exchange.destination,
        exchange.request.method().name(),
        status,
        System.nanoTime() - exchange.start,
        requestBytes,
        exchange.request.response().bytesWritten());
  }

  /**
   * {@code url.full}: the destination and the request target, without credentials (the sidecar
   * builds it from host and port, so it has none) and with signature query values redacted.
   */
  static String urlFull(OutboundTarget target) {
    String uri = target.uri();
    int query = uri.indexOf('?');
    String redacted =
        query < 0
            ? uri
            : uri.substring(0, query + 1) + HttpConventions.redactQuery(uri.substring(query + 1));
    return scheme(target) + "://" + target.host() + ":" + target.port() + redacted;
  }

  private static String scheme(OutboundTarget target) {
    return target.ssl() ? "https" : "http";
  }

  static void answer(HttpServerResponse response, int status, String code, String detail) {
    response
        .setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader("x-outrigger-error", code)
        .end("outrigger sidecar: " + detail + "\n");
  }

  /** CONNECT: a byte tunnel to host:port once it is open (TLS inside stays the app's business). */
  private void tunnel(HttpServerRequest request, OutboundTarget target) {
    long start = System.nanoTime();
    String destination = metrics.label(target);
    Destinations.State state = destinations.of(target.connectHost() + ":" + target.connectPort());
    if (!state.breaker().tryAcquire()) {
      metrics.circuitOpen(destination);
      answer(
          request.response(),
          503,
          "circuit_open",
          "the circuit to "
              + target.host()
              + ":"
              + target.port()
              + " is open after repeated failures; retry later");
      metrics.request(destination, "CONNECT", 503, System.nanoTime() - start, 0, 0);
      return;
    }
    tunnels
        .connect(target.connectPort(), target.connectHost())
        .onFailure(
            error -> {
              state.breaker().onFailure();
              UpstreamFailure failure = UpstreamFailure.of(error);
              answer(
                  request.response(),
                  failure.status(),
                  failure.code(),
                  "cannot open a tunnel to "
                      + target.host()
                      + ":"
                      + target.port()
                      + ": "
                      + error.getMessage());
              metrics.request(
                  destination, "CONNECT", failure.status(), System.nanoTime() - start, 0, 0);
            })
        .onSuccess(
            upstream -> {
              state.breaker().onSuccess();
              Future<io.vertx.core.net.NetSocket> accepted = request.toNetSocket();
              accepted
                  .onSuccess(
                      socket -> {
                        metrics.request(
                            destination, "CONNECT", 200, System.nanoTime() - start, 0, 0);
                        OutboundListener.splice(socket, upstream, Buffer.buffer());
                      })
                  .onFailure(e -> upstream.close());
            });
  }
}
