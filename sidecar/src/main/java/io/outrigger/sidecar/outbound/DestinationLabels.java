package io.outrigger.sidecar.outbound;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code destination} metric label bounded: the first {@code max} destinations seen get
 * their own value ({@code host:port}), every later one shares {@link #OVERFLOW}. An app calling a
 * URL per user id cannot blow up the series count.
 */
public final class DestinationLabels {
  public static final String OVERFLOW = "_other";

  private final int max;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  public DestinationLabels(int max) {
    this.max = max;
  }

  public String label(String host, int port) {
    String destination = host.toLowerCase(Locale.ROOT) + ":" + port;
    if (known.containsKey(destination)) {
      return destination;
    }
    synchronized (this) {
      if (known.size() < max) {
        known.put(destination, Boolean.TRUE);
        return destination;
      }
    }
    return known.containsKey(destination) ? destination : OVERFLOW;
  }
}
