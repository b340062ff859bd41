package io.outrigger.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One request on the fast path, from its decoded head to the last byte of its answer: the same
 * steps as {@link ProxyHandler} (rate limit, headers for the app, server span, the body streamed to
 * the app with backpressure, the response streamed back, the sidecar's own answer when the app
 * fails), on Netty's objects: the request's own header map is edited and sent on, nothing is
 * copied. Runs on its connection's event loop only; finishes (metrics, span) exactly once.
 */
final class FastExchange {
  private final ClientConnection connection;
  private final ChannelHandlerContext client;
  private final FastPathListener listener;
  private final HttpRequest request;
  private final RequestView view;
  private final long start = System.nanoTime();
  private final boolean head;
  private final boolean http10;
  private final boolean keepAlive;

  /** Body read before the app connection was there; made only when there is some. */
  private ArrayDeque<HttpContent> early;

  private String route;
  private Span span;
  private AppConnections pool;
  private AppChannel app;
  private long lastActivity;
  private boolean requestEnded;
  private boolean bodyGoesNowhere;
  private boolean headWritten;
  private boolean responseEnded;
  private boolean responseWritten;
  private boolean appKeepAlive;
  private boolean closeAfter;
  private boolean finished;
  private int status;
  private String error;
  private long bytesIn;
  private long bytesOut;

  FastExchange(
      ClientConnection connection,
      ChannelHandlerContext client,
      FastPathListener listener,
      HttpRequest request) {
    this.connection = connection;
    this.client = client;
    this.listener = listener;
    this.request = request;
    this.head = HttpMethod.HEAD.equals(request.method());
    this.http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.view =
        RequestView.of(
            request.method().name(),
            request.uri(),
            http10
                ? io.vertx.core.http.HttpVersion.HTTP_1_0
                : io.vertx.core.http.HttpVersion.HTTP_1_1,
            (MultiMap) request.headers(),
            connection.peer(),
            connection.peerHost());
  }

  boolean finished() {
    return finished;
  }

  boolean requestEnded() {
    return requestEnded;
  }

  void begin() {
    ListenerSettings settings = listener.settings();
    route = settings.routes().label(view.path());
    TokenBucket bucket = settings.bucket();
    Duration wait = bucket == null ? Duration.ZERO : bucket.tryAcquire(System.nanoTime());
    if (!wait.isZero()) {
      rateLimited(wait);
      return;
    }
    MultiMap headers = (MultiMap) request.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    ForwardedHeaders.editForApp(headers, connection.peerHost());
    if (chunked) {
      headers.set("transfer-encoding", "chunked");
    }
    span = listener.spans().start(view, headers, route);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    pool = listener.pool(client.channel().eventLoop());
    pool.acquire(this);
  }

  /** The app connection for this exchange: the head and any body read so far go out. */
  void appReady(AppChannel app) {
    this.app = app;
    app.attach(this);
    // Void promises: a failed write reaches the pipeline's exceptionCaught, which fails the
    // exchange; a promise per write would only be allocated and completed for nothing.
    app.channel().write(request, app.channel().voidPromise());
    HttpContent content;
    while (early != null && (content = early.pollFirst()) != null) {
      app.channel().write(content, app.channel().voidPromise());
    }
    app.channel().flush();
    startTimer();
    connection.pauseReading(!requestEnded && !app.channel().isWritable());
  }

  /** A piece of the request body (the last one ends the request). */
  void body(HttpContent content) {
    bytesIn += content.content().readableBytes();
    if (content instanceof LastHttpContent) {
      requestEnded = true;
    }
    if (bodyGoesNowhere) {
      content.release();
    } else if (app == null) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.addLast(content);
      if (!requestEnded) {
        // No more of the body is read until the app connection is there to take it.
        connection.pauseReading(true);
      }
    } else {
      lastActivity = System.nanoTime();
      if (requestEnded) {
        app.channel().writeAndFlush(content, app.channel().voidPromise());
      } else {
        app.channel().write(content, app.channel().voidPromise());
        if (!app.channel().isWritable()) {
          connection.pauseReading(true);
        }
      }
    }
    if (requestEnded) {
      connection.pauseReading(false);
      maybeDone();
    }
  }

  void flushToApp() {
    if (app != null) {
      app.channel().flush();
    }
  }

  void appWritabilityChanged() {
    if (!requestEnded && app != null) {
      connection.pauseReading(!app.channel().isWritable());
    }
  }

  void clientWritabilityChanged() {
    if (app != null) {
      app.channel().config().setAutoRead(client.channel().isWritable());
    }
  }

  void flushToClient() {
    client.flush();
  }

  void responseHead(HttpResponse response) {
    lastActivity = System.nanoTime();
    if (response.decoderResult().isFailure()) {
      failed(response.decoderResult().cause());
      return;
    }
    int code = response.status().code();
    if (code < 200) {
      return; // an interim answer: the sidecar answered Expect itself; the final one follows
    }
    appKeepAlive = HttpUtil.isKeepAlive(response);
    MultiMap headers = (MultiMap) response.headers();
    boolean withLength = headers.contains("content-length");
    ForwardedHeaders.editForClient(headers);
    boolean bodiless = head || code == 204 || code == 304;
    if (!bodiless && !withLength) {
      if (http10) {
        closeAfter = true; // HTTP/1.0 has no chunks: the body ends where the connection does
      } else {
        headers.set("transfer-encoding", "chunked");
      }
    }
    closeAfter |= !keepAlive || listener.settings().draining() || connection.closing();
    if (closeAfter) {
      headers.set("connection", "close");
    } else if (http10) {
      headers.set("connection", "keep-alive");
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    status = code;
    headWritten = true;
    client.write(response, client.voidPromise());
  }

  void responseBody(HttpContent content) {
    if (!headWritten) {
      content.release(); // the body of an interim answer: empty
      return;
    }
    lastActivity = System.nanoTime();
    bytesOut += content.content().readableBytes();
    if (!(content instanceof LastHttpContent)) {
      client.write(content, client.voidPromise());
      if (!client.channel().isWritable() && app != null) {
        app.channel().config().setAutoRead(false);
      }
      return;
    }
    responseEnded = true;
    AppChannel done = app;
    app = null;
    if (appKeepAlive && requestEnded) {
      pool.release(done);
    } else {
      pool.discard(done);
      bodyGoesNowhere = true; // the app answered before the request's end: the rest is dropped
    }
    ChannelFuture written = client.writeAndFlush(content);
    written.addListener(
        f -> {
          responseWritten = true;
          maybeDone();
        });
  }

  /**
   * The app could not be reached, timed out, or broke off: the sidecar answers for it, or, when the
   * response had started, the client's connection is closed so it sees a broken response.
   */
  void failed(Throwable cause) {
    if (finished || responseEnded) {
      return;
    }
    UpstreamFailure failure = UpstreamFailure.of(cause);
    listener.metrics().upstreamFailure(listener.port().name(), failure.code());
    if (app != null) {
      AppChannel broken = app;
      app = null;
      pool.discard(broken);
    }
    if (headWritten) {
      error = failure.code();
      responseEnded = true;
      client.close();
      finish();
      return;
    }
    answer(
        failure.status(),
        failure.code(),
        failure.body(listener.port().appPort(), listener.settings().config().requestTimeout()),
        null);
  }

  private void rateLimited(Duration wait) {
    RateLimitAnswer limited =
        RateLimitAnswer.of(wait, listener.settings().config().rateLimit().requestsPerSecond());
    answer(RateLimitAnswer.STATUS, RateLimitAnswer.CODE, limited.body(), limited.retryAfter());
  }

  /** The sidecar's own answer; the client's unread body is dropped, not sent on. */
  private void answer(int code, String errorCode, String body, String retryAfter) {
    // A 429 is an answer, not a failure of the exchange: the conventions leave 4xx spans unset.
    if (code >= 500) {
      error = errorCode;
    }
    bodyGoesNowhere = true;
    HttpContent content;
    while (early != null && (content = early.pollFirst()) != null) {
      content.release();
    }
    connection.pauseReading(false);
    ByteBuf bytes = ByteBufUtil.writeUtf8(client.alloc(), body);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(code),
            bytes,
            MultiMapHeaders.FACTORY,
            MultiMapHeaders.FACTORY);
    response
        .headers()
        .set("content-type", "text/plain; charset=utf-8")
        .set(ProxyHandler.ERROR_HEADER, errorCode)
        .set("content-length", bytes.readableBytes());
    if (retryAfter != null) {
      response.headers().set("retry-after", retryAfter);
    }
    closeAfter |= !keepAlive || listener.settings().draining() || connection.closing();
    if (closeAfter) {
      response.headers().set("connection", "close");
    }
    status = code;
    bytesOut += bytes.readableBytes();
    headWritten = true;
    responseEnded = true;
    client
        .writeAndFlush(response)
        .addListener(
            f -> {
              responseWritten = true;
              maybeDone();
            });
  }

  /** The client went away: the request to the app goes with it. */
  void clientClosed() {
    if (finished) {
      return;
    }
    if (app != null) {
      AppChannel abandoned = app;
      app = null;
      pool.discard(abandoned);
    }
    if (early != null) {
      early.forEach(HttpContent::release);
      early.clear();
    }
    finish();
  }

  boolean closeAfter() {
    return closeAfter;
  }

  private void maybeDone() {
    if (responseWritten && (requestEnded || closeAfter) && !finished) {
      finish();
      connection.exchangeDone(this);
    }
  }

  private void startTimer() {
    lastActivity = System.nanoTime();
    connection.watchRequestTimeout();
  }

  /** Waiting on the app: sent, and its response not complete yet. */
  boolean awaitingApp() {
    return app != null && !finished;
  }

  /** When a byte last went to or came from the app. */
  long lastActivity() {
    return lastActivity;
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    int answered = headWritten ? status : 0;
    listener
        .metrics()
        .record(
            "inbound",
            listener.port().name(),
            view.method(),
            answered,
            route == null ? RouteLabeler.OTHER : route,
            System.nanoTime() - start,
            bytesIn,
            bytesOut);
    listener
        .spans()
        .end(
            span,
            view,
            route,
            answered,
            error != null ? error : headWritten ? null : ProxyHandler.CLIENT_CLOSED,
            start);
  }
}
