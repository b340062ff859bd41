package io.outrigger.config;

import java.util.Set;

/** The sidecar's own ports (DESIGN "Sidecar ports"); an app port must never be one of them. */
public final class Ports {
  private Ports() {}

  /** Admin API, bound to 127.0.0.1. */
  public static final int ADMIN = 15000;

  /** Outbound (ambassador) proxy, bound to 127.0.0.1. */
  public static final int OUTBOUND = 15001;

  /** First inbound listener; app port number n in the list gets {@code INBOUND_BASE + n}. */
  public static final int INBOUND_BASE = 15006;

  /**
   * At most this many intercepted app ports, so inbound listeners stay below {@link #TELEMETRY}.
   */
  public static final int MAX_INBOUND_LISTENERS = 14;

  /** Merged /metrics, /healthz, /readyz and /app-health. */
  public static final int TELEMETRY = 15020;

  /**
   * The name the webhook gives {@link #TELEMETRY} on the sidecar container, so a PodMonitor (or any
   * scrape config) selects it by name; a port name is an IANA service name, at most 15 characters.
   */
  public static final String TELEMETRY_NAME = "outrigger-prom";

  /** True when {@code port} is one the sidecar itself listens on. */
  public static boolean isReserved(int port) {
    return port == ADMIN
        || port == OUTBOUND
        || port == TELEMETRY
        || (port >= INBOUND_BASE && port < INBOUND_BASE + MAX_INBOUND_LISTENERS);
  }

  /** Reserved ports, for messages. */
  public static final Set<Integer> FIXED = Set.of(ADMIN, OUTBOUND, TELEMETRY);
}
