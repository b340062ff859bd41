package io.outrigger.config.interception;

import io.outrigger.config.Ports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The flags of {@code outrigger-sidecar init}, each also settable by an environment variable
 * ({@code --inbound-ports} ↔ {@code OUTRIGGER_INBOUND_PORTS}); a flag wins over its variable. The
 * webhook renders its flags with {@link #arguments} and the init command reads them with {@link
 * #parse}: one definition of the command line on both sides.
 */
public record InitOptions(InterceptionRules rules, IptablesBackend backend, boolean dryRun) {

  /** Every flag {@code init} knows, with its default. */
  static final Map<String, String> FLAGS = flags();

  private static Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("inbound-ports", "");
    flags.put("inbound-listener-base", String.valueOf(Ports.INBOUND_BASE));
    flags.put("skip-inbound-ports", "");
    flags.put("sidecar-uid", "1337");
    flags.put("capture-outbound", "false");
    flags.put("outbound-port", String.valueOf(Ports.OUTBOUND));
    flags.put("exclude-outbound-cidrs", "");
    flags.put("exclude-outbound-ports", "");
    flags.put("iptables-backend", "auto");
    flags.put("dry-run", "false");
    return Map.copyOf(flags);
  }

  /** Boolean flags may stand alone ({@code --capture-outbound}). */
  private static final Set<String> SWITCHES = Set.of("capture-outbound", "dry-run");

  public static InitOptions parse(List<String> args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    FLAGS.forEach((flag, fallback) -> values.put(flag, env.getOrDefault(envName(flag), fallback)));
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; " + usage());
      }
      int eq = arg.indexOf('=');
      String flag = arg.substring(2, eq < 0 ? arg.length() : eq);
      if (!FLAGS.containsKey(flag)) {
        throw new IllegalArgumentException("unknown flag --" + flag + "; " + usage());
      }
      if (eq < 0 && !SWITCHES.contains(flag)) {
        throw new IllegalArgumentException("--" + flag + " needs a value (--" + flag + "=...)");
      }
      values.put(flag, eq < 0 ? "true" : arg.substring(eq + 1));
    }
    InterceptionRules rules =
        new InterceptionRules(
            ports(values, "inbound-ports"),
            number(values, "inbound-listener-base"),
            ports(values, "skip-inbound-ports"),
            bool(values, "capture-outbound"),
            number(values, "outbound-port"),
            number(values, "sidecar-uid"),
            list(values.get("exclude-outbound-cidrs")),
            ports(values, "exclude-outbound-ports"),
            SIDECAR_PORTS);
    if (rules.inboundPorts().isEmpty() && !rules.captureOutbound()) {
      throw new IllegalArgumentException(
          "nothing to intercept: --inbound-ports is empty and --capture-outbound is off");
    }
    return new InitOptions(
        rules, IptablesBackend.parse(values.get("iptables-backend")), bool(values, "dry-run"));
  }

  /**
   * The flags that make {@link #parse} return {@code rules}: what the webhook passes to the init
   * container. Lists that are empty and switches that are off are left out, as are flags of
   * outbound capture when it is off.
   */
  public static List<String> arguments(InterceptionRules rules) {
    List<String> args = new ArrayList<>();
    args.add("--inbound-ports=" + join(rules.inboundPorts()));
    args.add("--inbound-listener-base=" + rules.listenerBase());
    if (!rules.skipInboundPorts().isEmpty()) {
      args.add("--skip-inbound-ports=" + join(rules.skipInboundPorts()));
    }
    args.add("--sidecar-uid=" + rules.sidecarUid());
    if (rules.captureOutbound()) {
      args.add("--capture-outbound");
      args.add("--outbound-port=" + rules.outboundPort());
      if (!rules.excludeOutboundCidrs().isEmpty()) {
        args.add("--exclude-outbound-cidrs=" + String.join(",", rules.excludeOutboundCidrs()));
      }
      if (!rules.excludeOutboundPorts().isEmpty()) {
        args.add("--exclude-outbound-ports=" + join(rules.excludeOutboundPorts()));
      }
    }
    return List.copyOf(args);
  }

  /** The sidecar's own ports, which no rule may redirect. */
  public static final List<Integer> SIDECAR_PORTS =
      List.of(Ports.ADMIN, Ports.OUTBOUND, Ports.TELEMETRY);

  private static String join(List<Integer> ports) {
    return String.join(",", ports.stream().map(String::valueOf).toList());
  }

  public static String envName(String flag) {
    return "OUTRIGGER_" + flag.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public static String usage() {
    return "usage: outrigger-sidecar init --inbound-ports=P[,P...] [--inbound-listener-base=15006]"
        + " [--skip-inbound-ports=P,...] [--sidecar-uid=1337] [--capture-outbound"
        + " [--outbound-port=15001] [--exclude-outbound-cidrs=CIDR,...]"
        + " [--exclude-outbound-ports=P,...]] [--iptables-backend=auto|nft|legacy] [--dry-run]";
  }

  private static List<Integer> ports(Map<String, String> values, String flag) {
    List<Integer> ports = new ArrayList<>();
    for (String item : list(values.get(flag))) {
      try {
        ports.add(Integer.parseInt(item));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + flag + ": '" + item + "' is not a port number");
      }
    }
    return ports;
  }

  private static int number(Map<String, String> values, String flag) {
    String value = values.get(flag).trim();
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + ": '" + value + "' is not a number");
    }
  }

  private static boolean bool(Map<String, String> values, String flag) {
    String value = values.get(flag).trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no", "" -> false;
      default ->
          throw new IllegalArgumentException(
              "--" + flag + " must be true or false, was '" + value + "'");
    };
  }

  private static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }
}
