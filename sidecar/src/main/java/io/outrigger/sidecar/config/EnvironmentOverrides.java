package io.outrigger.sidecar.config;

import io.outrigger.config.SidecarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-pod settings the webhook passes as environment variables, laid over the policy's config
 * (which is shared by every pod of the policy). Applied again after every reload.
 */
public final class EnvironmentOverrides {
  public static final String INBOUND_PORTS = "OUTRIGGER_INBOUND_PORTS";

  private EnvironmentOverrides() {}

  public static SidecarConfig apply(SidecarConfig config, Map<String, String> env) {
    String ports = env.get(INBOUND_PORTS);
    if (ports == null || ports.isBlank()) {
      return config;
    }
    List<Integer> appPorts = new ArrayList<>();
    for (String port : ports.split(",")) {
      try {
        appPorts.add(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            INBOUND_PORTS + ": '" + port.trim() + "' is not a port number");
      }
    }
    return config.withProxy(config.proxy().withAppPorts(List.copyOf(appPorts)));
  }
}
