package io.outrigger.sidecar;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code outrigger-sidecar [--config FILE]}.
 *
 * <p>Environment: {@code OUTRIGGER_INBOUND_PORTS} (comma-separated app ports; overrides the config,
 * the webhook sets it per pod), {@code OUTRIGGER_PORT_BASE} (default 15000), {@code OUTRIGGER_BIND}
 * (default 0.0.0.0), {@code OUTRIGGER_EVENT_LOOPS} (default: cores, at most 2), plus the
 * downward-API variables {@link PodIdentity} reads.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    SidecarConfig config;
    try {
      config = withEnvironment(loadConfig(args), env);
    } catch (InvalidConfigException | IllegalArgumentException e) {
      JsonLog.error("invalid configuration", "error", e.getMessage());
      System.exit(2);
      return;
    }
    PortLayout ports =
        new PortLayout(intEnv(env, "OUTRIGGER_PORT_BASE", PortLayout.DEFAULT.base()));
    int loops =
        intEnv(
            env, "OUTRIGGER_EVENT_LOOPS", Math.min(2, Runtime.getRuntime().availableProcessors()));
    Sidecar sidecar;
    try {
      sidecar =
          Sidecar.start(
                  config,
                  PodIdentity.fromEnvironment(env),
                  ports,
                  env.getOrDefault("OUTRIGGER_BIND", "0.0.0.0"),
                  loops)
              .toCompletionStage()
              .toCompletableFuture()
              .join();
    } catch (RuntimeException e) {
      JsonLog.error(
          "sidecar failed to start",
          "error",
          String.valueOf(e.getCause() != null ? e.getCause() : e));
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          sidecar.shutdown();
          stopped.countDown();
        };
    // SIGTERM is the normal way a pod ends: drain, flush, and exit 0 so Jobs and restarts see a
    // clean stop.
    // (Leaving it to the JVM's default handling would exit 143 after the shutdown hooks.)
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(signal), s -> new Thread(stop, "outrigger-" + s.getName()).start());
    }
    stopped.await();
    System.exit(0);
  }

  static SidecarConfig loadConfig(String[] args) throws IOException {
    List<String> arguments = new ArrayList<>(Arrays.asList(args));
    int at = arguments.indexOf("--config");
    if (at < 0) {
      return SidecarConfig.defaults();
    }
    if (at + 1 >= arguments.size()) {
      throw new IllegalArgumentException("--config needs a file");
    }
    Path file = Path.of(arguments.get(at + 1));
    return SidecarConfigCodec.readYaml(Files.readString(file), file.toString());
  }

  /** Applies the per-pod environment on top of the policy's config. */
  static SidecarConfig withEnvironment(SidecarConfig config, Map<String, String> env) {
    String ports = env.get("OUTRIGGER_INBOUND_PORTS");
    if (ports == null || ports.isBlank()) {
      return config;
    }
    List<Integer> appPorts = new ArrayList<>();
    for (String port : ports.split(",")) {
      try {
        appPorts.add(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "OUTRIGGER_INBOUND_PORTS: '" + port.trim() + "' is not a port number");
      }
    }
    SidecarConfig.ProxyConfig p = config.proxy();
    return new SidecarConfig(
        config.schemaVersion(),
        config.policy(),
        new SidecarConfig.ProxyConfig(
            p.enabled(),
            List.copyOf(appPorts),
            p.skipPorts(),
            p.connectTimeout(),
            p.requestTimeout(),
            p.idleTimeout(),
            p.drainTimeout(),
            p.maxHeaderBytes(),
            p.maxConnectionsPerPort(),
            p.rateLimit(),
            p.tls(),
            p.routePatterns(),
            p.outbound()),
        config.metrics(),
        config.logs(),
        config.tracing(),
        config.health());
  }

  private static int intEnv(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + value + "' is not a number");
    }
  }
}
