package io.outrigger.config.interception;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code outrigger-sidecar init} programs: the inputs of {@link RulesetRenderer}, validated
 * once so the renderer can stay a plain function.
 *
 * @param inboundPorts app ports in listener order; port {@code i} is redirected to {@code
 *     listenerBase + i}
 * @param skipInboundPorts ports that always reach the app directly (rendered as explicit RETURNs
 *     first, so a port both listed and skipped is skipped)
 * @param sidecarUid the sidecar's UID; its own connections are never captured (no loop)
 * @param sidecarPorts the sidecar's own ports (admin, outbound, telemetry): never redirected
 */
public record InterceptionRules(
    List<Integer> inboundPorts,
    int listenerBase,
    List<Integer> skipInboundPorts,
    boolean captureOutbound,
    int outboundPort,
    long sidecarUid,
    List<String> excludeOutboundCidrs,
    List<Integer> excludeOutboundPorts,
    List<Integer> sidecarPorts) {

  public InterceptionRules {
    inboundPorts = List.copyOf(inboundPorts);
    skipInboundPorts = List.copyOf(skipInboundPorts);
    excludeOutboundCidrs = List.copyOf(excludeOutboundCidrs);
    excludeOutboundPorts = List.copyOf(excludeOutboundPorts);
    sidecarPorts = List.copyOf(sidecarPorts);
    if (Set.copyOf(inboundPorts).size() != inboundPorts.size()) {
      throw new IllegalArgumentException("--inbound-ports lists a port twice: " + inboundPorts);
    }
    for (int port : concat(inboundPorts, skipInboundPorts, excludeOutboundPorts, sidecarPorts)) {
      checkPort(port);
    }
    checkPort(listenerBase);
    checkPort(listenerBase + Math.max(0, inboundPorts.size() - 1));
    checkPort(outboundPort);
    if (sidecarUid < 0) {
      throw new IllegalArgumentException("--sidecar-uid must be 0 or more, was " + sidecarUid);
    }
    for (int port : inboundPorts) {
      if (sidecarPorts.contains(port)) {
        throw new IllegalArgumentException(
            "--inbound-ports: "
                + port
                + " is one of the sidecar's own ports "
                + new TreeSet<>(sidecarPorts)
                + "; redirecting it would cut the sidecar off");
      }
    }
    excludeOutboundCidrs.forEach(Ipv4Cidr::check);
  }

  /** The listener an intercepted app port is redirected to. */
  public int listenerFor(int index) {
    return listenerBase + index;
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }
  }

  @SafeVarargs
  private static List<Integer> concat(List<Integer>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }
}
