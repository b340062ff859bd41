package io.outrigger.webhook;

import io.outrigger.api.Names;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The per-pod {@code outrigger.io/*} override annotations, parsed once. A field is {@code null}
 * when the pod does not override it; an invalid value is ignored (the policy's value applies) and
 * described in {@link #problems()}, which the admission handler returns as warnings: a typo in an
 * annotation should not cost the pod its sidecar.
 */
public record PodOverrides(
    List<Integer> inboundPorts,
    List<Integer> skipInboundPorts,
    InterceptionMode interception,
    List<String> logPaths,
    Integer metricsPort,
    String metricsPath,
    String cpuRequest,
    String cpuLimit,
    String memoryRequest,
    String memoryLimit,
    Boolean nativeSidecar,
    List<String> problems) {

  /** The CRD's quantity pattern, so an annotation accepts what the policy field accepts. */
  private static final Pattern QUANTITY =
      Pattern.compile("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$");

  public static PodOverrides parse(Map<String, String> annotations) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    List<String> problems = new ArrayList<>();
    return new PodOverrides(
        ports(a, Names.INBOUND_PORTS, problems),
        ports(a, Names.SKIP_INBOUND_PORTS, problems),
        interception(a, problems),
        logPaths(a, problems),
        metricsPort(a, problems),
        path(a, Names.METRICS_PATH, problems),
        quantity(a, Names.SIDECAR_CPU_REQUEST, problems),
        quantity(a, Names.SIDECAR_CPU_LIMIT, problems),
        quantity(a, Names.SIDECAR_MEMORY_REQUEST, problems),
        quantity(a, Names.SIDECAR_MEMORY_LIMIT, problems),
        bool(a, Names.NATIVE_SIDECAR, problems),
        List.copyOf(problems));
  }

  private static String value(Map<String, String> annotations, String key) {
    String value = annotations.get(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static List<Integer> ports(
      Map<String, String> annotations, String key, List<String> problems) {
    String value = value(annotations, key);
    if (value == null) {
      return null;
    }
    List<Integer> ports = new ArrayList<>();
    for (String part : value.split(",")) {
      Integer port = port(part.trim());
      if (port == null) {
        problems.add(key + ": \"" + part.trim() + "\" is not a port (1-65535); annotation ignored");
        return null;
      }
      if (Ports.isReserved(port)) {
        problems.add(key + ": port " + port + " is reserved by the sidecar; annotation ignored");
        return null;
      }
      if (!ports.contains(port)) {
        ports.add(port);
      }
    }
    return List.copyOf(ports);
  }

  private static Integer port(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      return null;
    }
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : null;
  }

  private static InterceptionMode interception(
      Map<String, String> annotations, List<String> problems) {
    String value = value(annotations, Names.INTERCEPTION);
    if (value == null) {
      return null;
    }
    for (InterceptionMode mode : InterceptionMode.values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(value)) {
        return mode;
      }
    }
    problems.add(
        Names.INTERCEPTION
            + ": \""
            + value
            + "\" is not iptables, port or none; annotation ignored");
    return null;
  }

  private static List<String> logPaths(Map<String, String> annotations, List<String> problems) {
    String value = value(annotations, Names.LOG_PATHS);
    if (value == null) {
      return null;
    }
    List<String> paths = new ArrayList<>();
    for (String part : value.split(",")) {
      String path = part.trim();
      if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
        problems.add(
            Names.LOG_PATHS + ": \"" + path + "\" is not an absolute path; annotation ignored");
        return null;
      }
      paths.add(path);
    }
    return List.copyOf(paths);
  }

  private static Integer metricsPort(Map<String, String> annotations, List<String> problems) {
    String value = value(annotations, Names.METRICS_PORT);
    if (value == null) {
      return null;
    }
    Integer port = port(value);
    if (port == null || Ports.isReserved(port)) {
      problems.add(
          Names.METRICS_PORT
              + ": \""
              + value
              + "\" is not an app port (1-65535, not the sidecar's); annotation ignored");
      return null;
    }
    return port;
  }

  private static String path(Map<String, String> annotations, String key, List<String> problems) {
    String value = value(annotations, key);
    if (value != null && !value.startsWith("/")) {
      problems.add(key + ": \"" + value + "\" does not start with /; annotation ignored");
      return null;
    }
    return value;
  }

  private static String quantity(
      Map<String, String> annotations, String key, List<String> problems) {
    String value = value(annotations, key);
    if (value != null && !QUANTITY.matcher(value).matches()) {
      problems.add(
          key + ": \"" + value + "\" is not a quantity (e.g. 100m, 64Mi); annotation ignored");
      return null;
    }
    return value;
  }

  private static Boolean bool(Map<String, String> annotations, String key, List<String> problems) {
    String value = value(annotations, key);
    if (value == null) {
      return null;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
    }
    problems.add(key + ": \"" + value + "\" is not true or false; annotation ignored");
    return null;
  }

  /**
   * The log paths to hand the sidecar, or {@code null} to keep the policy's: overridden paths count
   * only when the policy tails logs and they lie under its shared directory, the only place the
   * sidecar can read.
   */
  public List<String> logPathsFor(io.outrigger.api.policy.EffectivePolicy policy) {
    if (logPaths == null || !policy.sidecar().logs().enabled()) {
      return null;
    }
    String directory = withSlash(policy.sidecar().logs().directory());
    return logPaths.stream().allMatch(p -> p.startsWith(directory)) ? logPaths : null;
  }

  /** {@link #problems()} plus those that depend on the chosen policy. */
  public List<String> problemsWith(io.outrigger.api.policy.EffectivePolicy policy) {
    List<String> all = new ArrayList<>(problems);
    if (logPaths != null && !policy.sidecar().logs().enabled()) {
      all.add(
          Names.LOG_PATHS
              + ": policy "
              + policy.name()
              + " does not tail logs; annotation ignored");
    } else if (logPaths != null && logPathsFor(policy) == null) {
      all.add(
          Names.LOG_PATHS
              + ": paths must lie under "
              + policy.sidecar().logs().directory()
              + ", the directory shared with the sidecar; annotation ignored");
    }
    return List.copyOf(all);
  }

  private static String withSlash(String directory) {
    return directory.endsWith("/") ? directory : directory + "/";
  }
}
