package io.outrigger.sidecar.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound listener of a plain-text port: a Netty server on Vert.x's own event loops that
 * proxies HTTP/1.x itself (decoded once, headers edited in place, a pool of app connections per
 * event loop: docs/adr/0011) and hands every other protocol to the Vert.x listener behind it.
 */
final class FastPathListener {
  private final VertxInternal vertx;
  private final ListenerPorts port;
  private final ListenerSettings settings;
  private final String bindHost;
  private final int poolSizePerLoop;
  private final ServerSpans spans;
  private final ProxyMetrics metrics;
  private final Handover handover;
  private final Map<EventLoop, AppConnections> pools = new ConcurrentHashMap<>();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private Channel server;
  private Promise<Void> drained;

  FastPathListener(
      VertxInternal vertx,
      ListenerPorts port,
      ListenerSettings settings,
      String bindHost,
      int poolSizePerLoop,
      ServerSpans spans,
      ProxyMetrics metrics,
      java.util.List<InetSocketAddress> fullListeners) {
    this.vertx = vertx;
    this.port = port;
    this.settings = settings;
    this.bindHost = bindHost;
    this.poolSizePerLoop = poolSizePerLoop;
    this.spans = spans;
    this.metrics = metrics;
    this.handover = new Handover(vertx, fullListeners);
    for (UpstreamFailure failure : UpstreamFailure.values()) {
      metrics.declareUpstreamFailure(port.name(), failure.code());
    }
  }

  ListenerPorts port() {
    return port;
  }

  ListenerSettings settings() {
    return settings;
  }

  ServerSpans spans() {
    return spans;
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  Handover handover() {
    return handover;
  }

  /** The app connections of {@code loop}; made on first use, from that loop. */
  AppConnections pool(EventLoop loop) {
    AppConnections pool = pools.get(loop);
    if (pool == null) {
      var config = settings.config();
      pool =
          new AppConnections(
              vertx,
              loop,
              new InetSocketAddress("127.0.0.1", port.appPort()),
              poolSizePerLoop,
              config.maxHeaderBytes(),
              () -> (int) settings.config().connectTimeout().toMillis());
      pools.put(loop, pool);
    }
    return pool;
  }

  Future<Void> start() {
    var config = settings.config();
    HttpDecoderConfig decoding =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(config.maxHeaderBytes())
            .setHeadersFactory(MultiMapHeaders.FACTORY)
            .setTrailersFactory(MultiMapHeaders.FACTORY);
    String name = port.name();
    Promise<Void> bound = Promise.promise();
    new ServerBootstrap()
        .group(vertx.acceptorEventLoopGroup(), vertx.nettyEventLoopGroup())
        .channelFactory(vertx.transport().serverChannelFactory(false))
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                connections.add(channel);
                metrics.connectionOpened(name);
                channel
                    .closeFuture()
                    .addListener(
                        closed -> {
                          metrics.connectionClosed(name);
                          connections.remove(channel);
                          if (drained != null && connections.isEmpty()) {
                            drained.tryComplete();
                          }
                        });
                channel
                    .pipeline()
                    .addLast("sniffer", new PrefaceSniffer(handover))
                    .addLast("decoder", new HttpRequestDecoder(decoding))
                    .addLast("encoder", new ResponseEncoder())
                    .addLast("exchanges", new ClientConnection(FastPathListener.this));
              }
            })
        .bind(new InetSocketAddress(bindHost, port.listenPort()))
        .addListener(
            (io.netty.channel.ChannelFutureListener)
                done -> {
                  if (done.isSuccess()) {
                    server = done.channel();
                    bound.complete();
                  } else {
                    bound.fail(
                        new java.io.IOException(
                            "inbound listener "
                                + bindHost
                                + ":"
                                + port.listenPort()
                                + ": "
                                + done.cause().getMessage(),
                            done.cause()));
                  }
                });
    return bound.future();
  }

  int actualPort() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Stops accepting; idle connections close now, busy ones after their answer, and whatever is
   * still open after {@code timeoutMillis} is closed.
   */
  Future<Void> shutdown(long timeoutMillis) {
    drained = Promise.promise();
    server.close();
    for (Channel channel : connections) {
      channel
          .eventLoop()
          .execute(
              () -> {
                ClientConnection connection = channel.pipeline().get(ClientConnection.class);
                // A handed-over connection closes when the Vert.x listener drains its side.
                if (connection != null) {
                  connection.drain();
                }
              });
    }
    if (connections.isEmpty()) {
      drained.tryComplete();
    }
    long timer =
        vertx.setTimer(
            Math.max(1, timeoutMillis),
            id -> {
              connections.forEach(Channel::close);
              drained.tryComplete();
            });
    return drained.future().onComplete(done -> vertx.cancelTimer(timer));
  }
}
