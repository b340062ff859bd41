package io.outrigger.sidecar.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * The keep-alive connections to the app of one event loop: used only from that loop, so an exchange
 * and its app connection never change threads and the pool needs no locks. At most {@code max}
 * connections are open; an exchange that finds none free waits in line for the next one released.
 */
final class AppConnections {
  private final Bootstrap bootstrap;
  private final InetSocketAddress app;
  private final IntSupplier connectTimeoutMillis;
  private final int max;
  private final ArrayDeque<AppChannel> idle = new ArrayDeque<>();
  private final ArrayDeque<FastExchange> waiting = new ArrayDeque<>();
  private int open;

  AppConnections(
      VertxInternal vertx,
      EventLoop loop,
      InetSocketAddress app,
      int max,
      int maxHeaderBytes,
      IntSupplier connectTimeoutMillis) {
    this.app = app;
    this.max = max;
    this.connectTimeoutMillis = connectTimeoutMillis;
    HttpDecoderConfig decoding =
        new HttpDecoderConfig()
            .setMaxHeaderSize(Math.max(8192, maxHeaderBytes))
            .setHeadersFactory(MultiMapHeaders.FACTORY)
            .setTrailersFactory(MultiMapHeaders.FACTORY);
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channelFactory(vertx.transport().channelFactory(false))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    channel
                        .pipeline()
                        .addLast("codec", new HttpClientCodec(decoding, false, false))
                        .addLast("app", new AppChannel());
                  }
                });
  }

  /** Gives {@code exchange} a connection now, or once one is free. */
  void acquire(FastExchange exchange) {
    AppChannel free;
    while ((free = idle.pollFirst()) != null) {
      if (free.channel().isActive()) {
        exchange.appReady(free);
        return;
      }
    }
    if (open < max) {
      connect(exchange);
    } else {
      waiting.addLast(exchange);
    }
  }

  /** A connection whose last exchange ended cleanly: the next in line gets it, or it waits idle. */
  void release(AppChannel connection) {
    connection.detach();
    if (!connection.channel().isActive()) {
      return;
    }
    connection.channel().config().setAutoRead(true);
    FastExchange next;
    while ((next = waiting.pollFirst()) != null) {
      if (!next.finished()) {
        next.appReady(connection);
        return;
      }
    }
    // Most recently used first: the warmest connection, and the others may time out at the app.
    idle.addFirst(connection);
  }

  /** A connection that cannot be reused (a broken or unfinished exchange): closed. */
  void discard(AppChannel connection) {
    connection.detach();
    connection.channel().close();
  }

  private void connect(FastExchange exchange) {
    open++;
    ChannelFuture connecting =
        bootstrap
            .clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis.getAsInt())
            .connect(app);
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            open--;
            exchange.failed(done.cause());
            connectForNextInLine();
            return;
          }
          Channel channel = connecting.channel();
          AppChannel connection = channel.pipeline().get(AppChannel.class);
          channel
              .closeFuture()
              .addListener(
                  closed -> {
                    open--;
                    idle.remove(connection);
                    connectForNextInLine();
                  });
          if (exchange.finished()) {
            release(connection);
          } else {
            exchange.appReady(connection);
          }
        });
  }

  private void connectForNextInLine() {
    FastExchange next;
    while (open < max && (next = waiting.pollFirst()) != null) {
      if (!next.finished()) {
        connect(next);
      }
    }
  }
}
