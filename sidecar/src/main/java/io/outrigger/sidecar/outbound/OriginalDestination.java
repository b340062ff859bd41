package io.outrigger.sidecar.outbound;

import io.netty.channel.Channel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a connection that iptables redirected to the ambassador was going: {@code getsockopt(
 * SOL_IP, SO_ORIGINAL_DST)}, which plain Java cannot call. Netty's native epoll transport can, as a
 * raw socket option, so the sidecar prefers that transport (docs/adr/0005).
 */
final class OriginalDestination {
  private OriginalDestination() {}

  private static final int SOL_IP = 0;
  private static final int SO_ORIGINAL_DST = 80; // linux/netfilter_ipv4.h
  private static final int AF_INET = 2;

  /** {@code struct sockaddr_in}: family, port (network order), address, padding. */
  private static final RawUnixChannelOption OPTION =
      new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, 16);

  /**
   * The original destination of {@code socket}, or null when it was not redirected (a client that
   * called 127.0.0.1:15001 itself), when the transport is not native epoll, or when the kernel
   * keeps no NAT record for it.
   */
  static SocketAddress of(NetSocket socket) {
    if (!(socket instanceof NetSocketInternal internal)) {
      return null;
    }
    Channel channel = internal.channelHandlerContext().channel();
    ByteBuffer raw;
    try {
      raw = channel.config().getOption(OPTION);
    } catch (RuntimeException e) {
      return null; // NIO transport (option unknown) or ENOENT (no conntrack entry)
    }
    if (raw == null || raw.remaining() < 8) {
      return null;
    }
    int at = raw.position();
    // sin_family is in host byte order; sin_port and sin_addr in network order.
    int family = raw.duplicate().order(ByteOrder.nativeOrder()).getShort(at) & 0xffff;
    if (family != AF_INET) {
      return null;
    }
    int port = ((raw.get(at + 2) & 0xff) << 8) | (raw.get(at + 3) & 0xff);
    String host =
        (raw.get(at + 4) & 0xff)
            + "."
            + (raw.get(at + 5) & 0xff)
            + "."
            + (raw.get(at + 6) & 0xff)
            + "."
            + (raw.get(at + 7) & 0xff);
    SocketAddress original = SocketAddress.inetSocketAddress(port, host);
    SocketAddress local = socket.localAddress();
    // Not redirected: conntrack reports the address the client actually dialled, ours.
    if (local != null && port == local.port() && host.equals(local.hostAddress())) {
      return null;
    }
    return original;
  }
}
