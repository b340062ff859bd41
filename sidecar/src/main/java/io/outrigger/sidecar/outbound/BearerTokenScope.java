package io.outrigger.sidecar.outbound;

import io.outrigger.config.SidecarConfig.TokenDestination;
import java.util.List;

/**
 * Which of the app's requests get the ambassador's bearer token: only those to a destination the
 * policy names (host and port as the app called them), and over plain HTTP only where that
 * destination says so. Over HTTPS the ambassador verifies the destination's certificate and host
 * name itself, so the name is proven; over plain HTTP nothing is, and the token crosses the network
 * in clear.
 */
final class BearerTokenScope {
  private BearerTokenScope() {}

  static boolean admits(List<TokenDestination> destinations, OutboundTarget target) {
    return destinations.stream()
        .anyMatch(
            d ->
                d.names(target.host(), target.port())
                    && (target.ssl() || Boolean.TRUE.equals(d.allowPlainHttp())));
  }
}
