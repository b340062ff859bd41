package io.outrigger.sidecar.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection to the app, the last handler of its pipeline: hands what the app sends
 * to the exchange using the connection, one at a time. Bytes from the app while no exchange holds
 * the connection are a protocol error: the connection is closed.
 */
final class AppChannel extends ChannelInboundHandlerAdapter {
  private Channel channel;
  private FastExchange exchange;

  Channel channel() {
    return channel;
  }

  void attach(FastExchange exchange) {
    this.exchange = exchange;
  }

  void detach() {
    this.exchange = null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse response) {
      exchange.responseHead(response);
    }
    if (msg instanceof HttpContent content) {
      if (exchange != null) {
        exchange.responseBody(content);
      } else {
        content.release();
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.flushToClient();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.appWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.failed(new UpstreamClosedException());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
    if (exchange != null) {
      exchange.failed(cause);
    }
  }

  /** The app closed the connection before its response was complete. */
  static final class UpstreamClosedException extends java.io.IOException {
    UpstreamClosedException() {
      super("the app closed the connection before a complete response", null);
    }
  }
}
