package io.outrigger.sidecar;

import io.outrigger.config.SidecarCommand;
import io.outrigger.sidecar.config.ConfigSource;
import io.outrigger.sidecar.interception.InitCommand;
import io.outrigger.sidecar.lifecycle.WaitCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Command line ({@link SidecarCommand}): {@code outrigger-sidecar [run] [--config FILE]}, {@code
 * outrigger-sidecar init [flags]} for the iptables init container ({@link InitCommand}), or {@code
 * outrigger-sidecar wait [--timeout=120s]} for the classic sidecar's postStart hook ({@link
 * WaitCommand}).
 *
 * <p>Environment: {@code OUTRIGGER_INBOUND_PORTS} (comma-separated app ports; overrides the config,
 * the webhook sets it per pod), {@code OUTRIGGER_PORT_BASE} (default 15000), {@code OUTRIGGER_BIND}
 * (default 0.0.0.0), {@code OUTRIGGER_EVENT_LOOPS} (default: cores, at most 2), {@code
 * OUTRIGGER_TRANSPORT} ({@code epoll}, the default, {@code io_uring} or {@code nio}), {@code
 * OUTRIGGER_CONFIG_POLL_MS} (default 1000), {@code OUTRIGGER_APP_PROBES}, {@code
 * OUTRIGGER_WAIT_FOR_APP_EXIT}, plus the downward-API variables {@link PodIdentity} reads.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    if (args.length > 0 && args[0].equals(SidecarCommand.INIT)) {
      // The iptables init container: runs once, prints its rules, exits (docs/interception.md).
      System.exit(InitCommand.run(List.of(args).subList(1, args.length), env));
      return;
    }
    if (args.length > 0 && args[0].equals(SidecarCommand.WAIT)) {
      // The classic sidecar's postStart hook (docs/webhook.md): returns once /healthz answers.
      SidecarCommand.Wait wait;
      PortLayout ports;
      try {
        wait = (SidecarCommand.Wait) SidecarCommand.parse(List.of(args), env);
        ports = new PortLayout(intEnv(env, "OUTRIGGER_PORT_BASE", PortLayout.DEFAULT.base()));
      } catch (IllegalArgumentException e) {
        System.err.println("outrigger-sidecar wait: " + e.getMessage());
        System.exit(2);
        return;
      }
      System.exit(WaitCommand.run(ports.telemetry(), wait.timeout(), System.err));
      return;
    }
    Sidecar.Options options;
    try {
      options = options(List.of(args), env);
    } catch (IllegalArgumentException e) {
      JsonLog.error("invalid command line or environment", "error", e.getMessage());
      System.exit(2);
      return;
    }
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(options).toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      boolean badConfig = cause instanceof io.outrigger.config.InvalidConfigException;
      JsonLog.error(
          badConfig ? "invalid configuration" : "sidecar failed to start",
          "error",
          cause.getMessage());
      System.exit(badConfig ? 2 : 1);
      return;
    }
    // SIGTERM is the normal way a pod ends: drain, flush, and exit 0 so Jobs and restarts see a
    // clean stop.
    // (Leaving it to the JVM's default handling would exit 143 after the shutdown hooks.)
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(signal),
          s -> new Thread(sidecar::shutdown, "outrigger-" + s.getName()).start());
    }
    sidecar.awaitStopped();
    System.exit(0);
  }

  static Sidecar.Options options(List<String> args, Map<String, String> env) {
    if (!(SidecarCommand.parse(args, env) instanceof SidecarCommand.Run run)) {
      throw new IllegalArgumentException("expected the run command, got " + args);
    }
    Path file = run.config();
    PortLayout ports =
        new PortLayout(intEnv(env, "OUTRIGGER_PORT_BASE", PortLayout.DEFAULT.base()));
    int loops =
        intEnv(
            env, "OUTRIGGER_EVENT_LOOPS", Math.min(2, Runtime.getRuntime().availableProcessors()));
    Duration poll = Duration.ofMillis(intEnv(env, "OUTRIGGER_CONFIG_POLL_MS", 1000));
    return new Sidecar.Options(
        new ConfigSource(file, env),
        env,
        ports,
        env.getOrDefault("OUTRIGGER_BIND", "0.0.0.0"),
        loops,
        poll);
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
