package io.outrigger.config;

import io.outrigger.config.interception.InitOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sidecar image's command line: what the webhook writes into the containers it adds and what
 * the sidecar's {@code Main} reads, defined once so the two cannot drift apart.
 */
public sealed interface SidecarCommand {

  /** The image's entry point (the launcher script). */
  String BINARY = "outrigger-sidecar";

  String RUN = "run";
  String INIT = "init";
  String WAIT = "wait";

  /** How long {@code wait} waits when the command line does not say. */
  Duration DEFAULT_WAIT = Duration.ofSeconds(120);

  /**
   * The sidecar itself.
   *
   * @param config the config file, or null to run on the defaults
   */
  record Run(Path config) implements SidecarCommand {}

  /** The iptables init container (docs/interception.md). */
  record Init(InitOptions options) implements SidecarCommand {}

  /**
   * The classic sidecar's {@code postStart} hook: returns once the sidecar's listeners are bound
   * ({@code /healthz} answers), so the kubelet starts the app only then.
   */
  record Wait(Duration timeout) implements SidecarCommand {}

  /**
   * Parses the arguments after {@link #BINARY}; {@code env} fills the flags of {@code init} that
   * the arguments leave out. Throws {@link IllegalArgumentException} naming the bad argument.
   */
  static SidecarCommand parse(List<String> args, Map<String, String> env) {
    if (!args.isEmpty() && args.get(0).equals(INIT)) {
      return new Init(InitOptions.parse(args.subList(1, args.size()), env));
    }
    if (!args.isEmpty() && args.get(0).equals(WAIT)) {
      return waitCommand(args.subList(1, args.size()));
    }
    List<String> arguments =
        args.isEmpty() || !args.get(0).equals(RUN) ? args : args.subList(1, args.size());
    int at = arguments.indexOf("--config");
    if (at >= 0) {
      if (at + 1 >= arguments.size()) {
        throw new IllegalArgumentException("--config needs a file");
      }
      return new Run(Path.of(arguments.get(at + 1)));
    }
    if (!arguments.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown arguments " + arguments + "; usage: outrigger-sidecar [run] [--config FILE]");
    }
    return new Run(null);
  }

  private static Wait waitCommand(List<String> args) {
    Duration timeout = DEFAULT_WAIT;
    for (String arg : args) {
      if (!arg.startsWith("--timeout=")) {
        throw new IllegalArgumentException(
            "unknown argument '" + arg + "'; usage: outrigger-sidecar wait [--timeout=120s]");
      }
      try {
        timeout = DurationText.parse(arg.substring("--timeout=".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--timeout: " + e.getMessage());
      }
    }
    return new Wait(timeout);
  }
}
