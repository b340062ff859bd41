package io.outrigger.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client connection on the fast path, after the HTTP/1.x codec: runs its requests one at a time
 * ({@link FastExchange}), keeps requests a client pipelines until the one before is answered
 * (HTTP/1.1 answers in order), answers what cannot be parsed, and hands a request asking for an
 * upgrade over to the Vert.x listener ({@link Handover}).
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  /** Pipelined messages kept before the connection stops reading. */
  private static final int PIPELINED_MAX = 64;

  private final FastPathListener listener;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private SocketAddress peer;
  private String peerHost;
  private long lastRead = System.nanoTime();
  private ScheduledFuture<?> idleCheck;
  private FastExchange current;
  private boolean pausedByExchange;
  private boolean reading = true;
  private boolean closing;
  private ScheduledFuture<?> timeoutCheck;
  private boolean ignoringInput;

  ClientConnection(FastPathListener listener) {
    this.listener = listener;
  }

  SocketAddress peer() {
    return peer;
  }

  /** The peer's address as text, made once per connection. */
  String peerHost() {
    return peerHost;
  }

  boolean closing() {
    return closing;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      peer = SocketAddress.inetSocketAddress(remote);
      peerHost = remote.getAddress().getHostAddress();
    }
    scheduleIdleCheck(listener.settings().config().idleTimeout().toNanos());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimers();
  }

  /**
   * A connection that has not sent a byte for the idle timeout, with no exchange in flight, is
   * closed. Reads alone are watched (an exchange in flight is never idle: the request timeout
   * covers a quiet app), from one timer per connection re-armed when it fires.
   */
  private void scheduleIdleCheck(long idleNanos) {
    if (idleNanos > 0) {
      idleCheck =
          ctx.executor().schedule(() -> checkIdle(idleNanos), idleNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void checkIdle(long idleNanos) {
    long quiet = System.nanoTime() - lastRead;
    if (current == null && quiet >= idleNanos) {
      ctx.close();
      return;
    }
    long next = current == null ? idleNanos - quiet : idleNanos;
    idleCheck = ctx.executor().schedule(() -> checkIdle(idleNanos), next, TimeUnit.NANOSECONDS);
  }

  private void cancelTimers() {
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
    if (timeoutCheck != null) {
      timeoutCheck.cancel(false);
      timeoutCheck = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ignoringInput) {
      ReferenceCountUtil.release(msg); // the end of the request already handed over
      return;
    }
    if (current != null) {
      if (!current.requestEnded() && msg instanceof HttpContent content) {
        current.body(content);
        return;
      }
      pipelined.addLast(msg);
      updateReading();
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ReferenceCountUtil.release(msg); // the rest of a request already answered
      return;
    }
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      malformed(request.decoderResult().cause());
      return;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      // Answered here, as the Vert.x listener does; the app gets the body without the Expect
      // (any other expectation is dropped with it, as there: ForwardedHeaders).
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER),
          ctx.voidPromise());
      request.headers().remove(HttpHeaderNames.EXPECT);
    }
    if (asksForUpgrade(request)) {
      ignoringInput = true;
      pipelined.forEach(ReferenceCountUtil::release);
      pipelined.clear();
      listener.handover().handOver(ctx.channel(), request);
      return;
    }
    current = new FastExchange(this, ctx, listener, request);
    current.begin();
    if (msg instanceof HttpContent content && current != null) {
      current.body(content);
    }
  }

  /**
   * {@code Upgrade} (WebSocket, h2c) on a request without a body: the Vert.x listener serves it.
   * One with a body is proxied as plain HTTP/1.1, the upgrade ignored (RFC 9110 §7.8 lets a
   * server).
   */
  private static boolean asksForUpgrade(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.UPGRADE)
        && !HttpUtil.isTransferEncodingChunked(request)
        && HttpUtil.getContentLength(request, 0L) == 0L;
  }

  /** The exchange in flight ended: the connection closes, or the next request runs. */
  void exchangeDone(FastExchange done) {
    if (done != current) {
      return;
    }
    current = null;
    pausedByExchange = false;
    lastRead = System.nanoTime(); // the idle time counts from the end of the exchange
    if (done.closeAfter() || closing) {
      ctx.close();
      return;
    }
    while (!pipelined.isEmpty() && (current == null || !current.requestEnded())) {
      Object next = pipelined.pollFirst();
      if (current != null && next instanceof HttpContent content) {
        current.body(content);
      } else if (current == null) {
        dispatch(next);
      } else {
        pipelined.addFirst(next);
        break;
      }
    }
    updateReading();
  }

  /**
   * The request timeout counts from the last byte to or from the app, as the Vert.x client's idle
   * timeout does. One timer per connection, armed when an exchange starts waiting and only re-armed
   * while one waits: no timer is made and cancelled for every request.
   */
  void watchRequestTimeout() {
    if (timeoutCheck == null) {
      long timeout = listener.settings().config().requestTimeout().toNanos();
      if (timeout > 0) {
        timeoutCheck = ctx.executor().schedule(this::checkTimeout, timeout, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void checkTimeout() {
    timeoutCheck = null;
    if (current == null || !current.awaitingApp()) {
      return;
    }
    long timeout = listener.settings().config().requestTimeout().toNanos();
    long quiet = System.nanoTime() - current.lastActivity();
    if (timeout > 0 && quiet >= timeout) {
      current.failed(new TimeoutException("no answer from the app within the request timeout"));
    } else {
      long next = timeout > 0 ? timeout - quiet : TimeUnit.SECONDS.toNanos(1);
      timeoutCheck = ctx.executor().schedule(this::checkTimeout, next, TimeUnit.NANOSECONDS);
    }
  }

  /** The exchange cannot take more of its request body yet (or can again). */
  void pauseReading(boolean pause) {
    pausedByExchange = pause;
    updateReading();
  }

  private void updateReading() {
    boolean read = !pausedByExchange && pipelined.size() < PIPELINED_MAX;
    // This handler alone switches the client's reading while it is installed: its own flag saves
    // reading the channel's volatile one for every message.
    if (reading != read) {
      reading = read;
      ctx.channel().config().setAutoRead(read);
    }
  }

  /** Shutting down: an idle connection closes now, a busy one after its answer. */
  void drain() {
    closing = true;
    if (current == null) {
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    lastRead = System.nanoTime();
    if (current != null) {
      current.flushToApp();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    if (current != null) {
      FastExchange gone = current;
      current = null;
      gone.clientClosed();
    }
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * A request that cannot be parsed gets the status that says why (RFC 9110 §15.5, RFC 6585 §5) and
   * the connection closes: what follows on it cannot be framed.
   */
  private void malformed(Throwable cause) {
    refuse(statusFor(cause));
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    return cause instanceof TooLongHttpHeaderException
        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        : cause instanceof TooLongHttpLineException
            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
            : cause instanceof TooLongFrameException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
  }

  /** The sidecar's own answer to a request it will not pass on; the connection then closes. */
  private void refuse(HttpResponseStatus status) {
    ByteBuf body =
        ByteBufUtil.writeUtf8(
            ctx.alloc(),
            "outrigger sidecar: "
                + status.reasonPhrase().toLowerCase(java.util.Locale.ROOT)
                + "\n");
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CONNECTION, "close");
    ignoringInput = true; // nothing more is read from this connection
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
