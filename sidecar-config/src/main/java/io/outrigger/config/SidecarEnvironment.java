package io.outrigger.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-pod settings the webhook passes to the sidecar as environment variables, and how the
 * sidecar reads them: one definition for both sides. They are laid over the policy's config, which
 * every pod of the policy shares.
 */
public final class SidecarEnvironment {
  private SidecarEnvironment() {}

  /** App ports in listener order: the i-th is served on {@code 15006 + i}. */
  public static final String INBOUND_PORTS = "OUTRIGGER_INBOUND_PORTS";

  /** The app's metrics port when the policy names none (annotations, {@code prometheus.io/*}). */
  public static final String SCRAPE_PORT = "OUTRIGGER_SCRAPE_PORT";

  public static final String SCRAPE_PATH = "OUTRIGGER_SCRAPE_PATH";

  /** The app's original probes, JSON keyed {@code <container>/<livez|readyz|startupz>}. */
  public static final String APP_PROBES = "OUTRIGGER_APP_PROBES";

  /** Comma-separated app container names; the first is the {@code container} label. */
  public static final String APP_CONTAINERS = "OUTRIGGER_APP_CONTAINERS";

  /** {@code true}: exit after the app's processes (classic sidecars in Jobs). */
  public static final String WAIT_FOR_APP_EXIT = "OUTRIGGER_WAIT_FOR_APP_EXIT";

  /** The downward API directory: the pod's {@code labels} and {@code annotations} files. */
  public static final String PODINFO_DIR = "OUTRIGGER_PODINFO_DIR";

  /** The pod's workload (Deployment, StatefulSet, DaemonSet, Job...), from its owner. */
  public static final String WORKLOAD = "OUTRIGGER_WORKLOAD";

  /**
   * The kind of {@link #WORKLOAD}: {@code Deployment} (for a ReplicaSet a Deployment made), {@code
   * ReplicaSet}, {@code StatefulSet}, {@code DaemonSet}, {@code Job}, or another controller's kind.
   */
  public static final String WORKLOAD_KIND = "OUTRIGGER_WORKLOAD_KIND";

  /** Comma-separated log globs that replace the policy's ({@code outrigger.io/log-paths}). */
  public static final String LOG_PATHS = "OUTRIGGER_LOG_PATHS";

  /**
   * The directory where the sidecar keeps what the operator's report answers gave it: a newer
   * {@code sidecar.json} and {@code ca.crt}, which take the place of those the pod was created
   * with. In a pod, on the sidecar's own emptyDir (it outlives a container restart).
   */
  public static final String CONFIG_UPDATES = "OUTRIGGER_CONFIG_UPDATES";

  /**
   * The config with the pod's settings from {@code env} laid over it. The webhook's port list is
   * final: it already left out the ports to skip (the pod's annotation or the policy's), and the
   * init container redirects its i-th port to {@code 15006 + i}. So it replaces the policy's lists
   * entirely, skips included, and an empty list means no listener; skipping again here would shift
   * every later port onto another port's listener.
   */
  public static SidecarConfig apply(SidecarConfig config, Map<String, String> env) {
    SidecarConfig applied = config;
    String ports = env.get(INBOUND_PORTS);
    if (ports != null) {
      applied = applied.withProxy(applied.proxy().withListenerAppPorts(appPorts(ports)));
    }
    String logPaths = env.get(LOG_PATHS);
    if (logPaths != null && !logPaths.isBlank()) {
      applied = applied.withLogs(applied.logs().withPaths(list(logPaths)));
    }
    return applied;
  }

  private static List<Integer> appPorts(String ports) {
    List<Integer> appPorts = new ArrayList<>();
    for (String port : list(ports)) {
      try {
        appPorts.add(Integer.parseInt(port));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(INBOUND_PORTS + ": '" + port + "' is not a port number");
      }
    }
    return List.copyOf(appPorts);
  }

  private static List<String> list(String commaSeparated) {
    List<String> items = new ArrayList<>();
    for (String item : commaSeparated.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return List.copyOf(items);
  }

  /** The scrape port the webhook found for this pod, or null when it found none. */
  public static Integer scrapePort(Map<String, String> env) {
    String port = env.get(SCRAPE_PORT);
    if (port == null || port.isBlank()) {
      return null;
    }
    try {
      return Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SCRAPE_PORT + ": '" + port + "' is not a port number");
    }
  }
}
