package io.outrigger.sidecar.interception;

import io.netty.channel.epoll.Epoll;
import java.util.Optional;

/**
 * Whether Netty's native epoll transport loads here: the only way the ambassador reads a captured
 * connection's original destination ({@code SO_ORIGINAL_DST}, docs/adr/0005). The image ships the
 * library for x86-64 and aarch64; anywhere else (or with {@code -Dio.netty.transport.noNative})
 * outbound capture cannot work, and saying so beats a capture that closes every non-HTTP
 * connection.
 *
 * @param cause why it does not load; null when it does
 */
public record NativeTransport(boolean available, String cause) {

  /** Netty's own answer for this JVM. */
  public static NativeTransport epoll() {
    Throwable cause = Epoll.unavailabilityCause();
    return new NativeTransport(Epoll.isAvailable(), cause == null ? null : cause.toString());
  }

  /**
   * The error to stop on when outbound capture is asked for and the transport is missing; empty
   * when capture is off (inbound interception needs no native code) or the transport loads.
   */
  public Optional<String> missingFor(boolean captureOutbound, String arch) {
    if (!captureOutbound || available) {
      return Optional.empty();
    }
    return Optional.of(
        "outbound capture needs Netty's native epoll transport, which does not load on "
            + arch
            + " ("
            + cause
            + "); the image ships it for x86_64 and aarch64. Turn captureOutbound off in the policy"
            + " (the explicit proxy on 127.0.0.1:15001 works without it), or run on a supported"
            + " architecture.");
  }
}
