package io.outrigger.sidecar.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.VertxInternal;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Hands a client connection the fast path does not serve (h2c, an {@code Upgrade} such as
 * WebSocket) over whole to the Vert.x listener on loopback, which serves every protocol. The Vert.x
 * listener first reads a PROXY protocol v2 header, so it sees the client's own address (for {@code
 * X-Forwarded-For}, spans and metrics); then, if the fast path had already decoded the request that
 * asked for the upgrade, that request encoded again; then every byte the client sends, and every
 * byte back, unchanged.
 */
final class Handover {
  /** The fast path's handlers, in the order they are taken out of a handed-over connection. */
  static final List<String> HTTP_HANDLERS = List.of("exchanges", "encoder", "decoder", "sniffer");

  private final VertxInternal vertx;
  private final List<InetSocketAddress> targets;
  private final java.util.concurrent.atomic.AtomicInteger next =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param targets the Vert.x listener's copies, one per event loop: taken in turn
   */
  Handover(VertxInternal vertx, List<InetSocketAddress> targets) {
    this.vertx = vertx;
    this.targets = List.copyOf(targets);
  }

  /**
   * @param request the decoded request that asked for the upgrade (bodiless), or null when the
   *     connection is handed over from its first byte
   */
  void handOver(Channel client, HttpRequest request) {
    client.config().setAutoRead(false);
    new Bootstrap()
        .group(client.eventLoop())
        .channelFactory(vertx.transport().channelFactory(false))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel inner) {
                inner.pipeline().addLast("proxy-header", HAProxyMessageEncoder.INSTANCE);
                if (request != null) {
                  inner.pipeline().addLast("http", new HttpRequestEncoder());
                }
              }
            })
        .connect(targets.get(Math.floorMod(next.getAndIncrement(), targets.size())))
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess() || !client.isActive()) {
                    ReferenceCountUtil.release(request);
                    client.close();
                    connected.channel().close();
                    return;
                  }
                  splice(client, connected.channel(), request);
                });
  }

  private static void splice(Channel client, Channel inner, HttpRequest request) {
    ChannelPipeline innerPipeline = inner.pipeline();
    inner.write(proxyHeader(client));
    innerPipeline.remove("proxy-header");
    if (request != null) {
      inner.write(request);
      inner.write(LastHttpContent.EMPTY_LAST_CONTENT);
      innerPipeline.remove("http");
    }
    innerPipeline.addLast("relay", new Relay(client));
    inner.flush();
    ChannelPipeline pipeline = client.pipeline();
    pipeline.addLast("relay", new Relay(inner));
    // Bytes a decoder still holds flow on to the relay as it is taken out.
    for (String name : HTTP_HANDLERS) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    client.config().setAutoRead(true);
  }

  /** The client's address and the address it connected to, as PROXY v2 says them. */
  static HAProxyMessage proxyHeader(Channel client) {
    InetSocketAddress source = (InetSocketAddress) client.remoteAddress();
    InetSocketAddress destination = (InetSocketAddress) client.localAddress();
    boolean v4 = source.getAddress() instanceof Inet4Address;
    String destinationHost =
        (destination.getAddress() instanceof Inet4Address) == v4
            ? destination.getAddress().getHostAddress()
            : v4 ? "0.0.0.0" : "::";
    return new HAProxyMessage(
        HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY,
        v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        source.getAddress().getHostAddress(),
        destinationHost,
        source.getPort(),
        destination.getPort());
  }
}
