package io.outrigger.sidecar;

import io.outrigger.config.Ports;
import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.sidecar.proxy.ListenerPorts;
import java.util.ArrayList;
import java.util.List;

/**
 * The sidecar's ports as offsets from a base (DESIGN "Sidecar ports": base 15000). A different base
 * lets several sidecars share one host: tests, benchmarks, a developer's laptop.
 */
public record PortLayout(int base) {
  public static final PortLayout DEFAULT = new PortLayout(Ports.ADMIN);

  public int admin() {
    return base + (Ports.ADMIN - Ports.ADMIN);
  }

  public int outbound() {
    return base + (Ports.OUTBOUND - Ports.ADMIN);
  }

  public int telemetry() {
    return base + (Ports.TELEMETRY - Ports.ADMIN);
  }

  /** The listener for the {@code index}-th intercepted app port. */
  public int inbound(int index) {
    if (index < 0 || index >= Ports.MAX_INBOUND_LISTENERS) {
      throw new IllegalArgumentException(
          "at most "
              + Ports.MAX_INBOUND_LISTENERS
              + " app ports can be intercepted, asked for #"
              + (index + 1));
    }
    return base + (Ports.INBOUND_BASE - Ports.ADMIN) + index;
  }

  /** The app ports to intercept (config, minus skipped) and the listener each gets, in order. */
  public List<ListenerPorts> listeners(ProxyConfig proxy) {
    List<ListenerPorts> listeners = new ArrayList<>();
    for (int appPort : proxy.listenerAppPorts()) {
      listeners.add(new ListenerPorts(appPort, inbound(listeners.size())));
    }
    return listeners;
  }
}
