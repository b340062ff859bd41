package io.outrigger.sidecar.interception;

import io.outrigger.config.interception.InterceptionRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@link InterceptionRules} into the {@code nat} table rules {@code iptables-restore}
 * applies. A pure function: the same input gives the same text, which is what makes {@code init}
 * idempotent and its output reviewable.
 *
 * <p>Everything lives in Outrigger's own chains, entered by one jump each from {@code PREROUTING}
 * (traffic arriving at the pod) and {@code OUTPUT} (traffic the pod's processes send). Rules other
 * tools put in the built-in chains are never touched.
 */
public final class RulesetRenderer {
  private RulesetRenderer() {}

  /** Inbound: arriving TCP for an intercepted app port goes to its sidecar listener. */
  public static final String INBOUND_CHAIN = "OUTRIGGER_INBOUND";

  /** Outbound: the app's TCP connections out go to the ambassador, with exceptions first. */
  public static final String OUTPUT_CHAIN = "OUTRIGGER_OUTPUT";

  /** The chains {@code init} owns, declared (and so flushed) on every run. */
  public static final List<String> CHAINS = List.of(INBOUND_CHAIN, OUTPUT_CHAIN);

  /** The rules, one {@code iptables-save} line each, chains in {@link #CHAINS} order. */
  public static List<String> rules(InterceptionRules rules) {
    List<String> lines = new ArrayList<>();
    if (!rules.inboundPorts().isEmpty()) {
      // Skips first: an explicit RETURN wins over a redirect of the same port.
      for (int port : rules.skipInboundPorts()) {
        lines.add("-A " + INBOUND_CHAIN + " -p tcp -m tcp --dport " + port + " -j RETURN");
      }
      for (int i = 0; i < rules.inboundPorts().size(); i++) {
        lines.add(
            "-A "
                + INBOUND_CHAIN
                + " -p tcp -m tcp --dport "
                + rules.inboundPorts().get(i)
                + " -j REDIRECT --to-ports "
                + rules.listenerFor(i));
      }
      lines.add("-A PREROUTING -p tcp -j " + INBOUND_CHAIN);
    }
    if (rules.captureOutbound()) {
      // The sidecar's own connections (to the app, to exporters, to the upstreams it proxies
      // for) must leave untouched, or the ambassador would capture itself in a loop.
      lines.add(
          "-A " + OUTPUT_CHAIN + " -m owner --uid-owner " + rules.sidecarUid() + " -j RETURN");
      // Loopback stays inside the pod: the app talking to itself or to the sidecar's ports
      // (telemetry, admin, the ambassador it may call explicitly) is not "outbound".
      lines.add("-A " + OUTPUT_CHAIN + " -o lo -j RETURN");
      lines.add("-A " + OUTPUT_CHAIN + " -d 127.0.0.0/8 -j RETURN");
      for (String cidr : rules.excludeOutboundCidrs()) {
        lines.add("-A " + OUTPUT_CHAIN + " -d " + withPrefix(cidr) + " -j RETURN");
      }
      for (int port : rules.excludeOutboundPorts()) {
        lines.add("-A " + OUTPUT_CHAIN + " -p tcp -m tcp --dport " + port + " -j RETURN");
      }
      lines.add("-A " + OUTPUT_CHAIN + " -p tcp -j REDIRECT --to-ports " + rules.outboundPort());
      lines.add("-A OUTPUT -p tcp -j " + OUTPUT_CHAIN);
    }
    return lines;
  }

  /**
   * The input for {@code iptables-restore --noflush}: declares (and so flushes) Outrigger's chains,
   * deletes the jumps into them that {@code currentNat} (the {@code iptables-save -t nat} output
   * before this run) shows, then adds the rules. Applied in one transaction, so a re-run replaces
   * the previous ruleset instead of adding to it, and a failure changes nothing.
   */
  public static String restoreScript(InterceptionRules rules, String currentNat) {
    StringBuilder script = new StringBuilder("*nat\n");
    for (String chain : CHAINS) {
      script.append(':').append(chain).append(" - [0:0]\n");
    }
    for (String jump : jumpsIntoOwnChains(currentNat)) {
      script.append("-D").append(jump.substring(2)).append('\n');
    }
    for (String line : rules(rules)) {
      script.append(line).append('\n');
    }
    return script.append("COMMIT\n").toString();
  }

  /**
   * The {@code -A} lines of built-in chains that jump into one of Outrigger's chains, as {@code
   * iptables-save} prints them (so they can be deleted by the same spec).
   */
  static List<String> jumpsIntoOwnChains(String save) {
    List<String> jumps = new ArrayList<>();
    for (String line : save.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("-A ") && !ownChainRule(trimmed) && jumpsToOwnChain(trimmed)) {
        jumps.add(trimmed);
      }
    }
    return jumps;
  }

  /** Only Outrigger's chains and the jumps into them, as {@code iptables-save} shows them. */
  public static List<String> ownLines(String save) {
    List<String> own = new ArrayList<>();
    for (String line : save.split("\n")) {
      String trimmed = line.strip();
      boolean declaration = CHAINS.stream().anyMatch(c -> trimmed.startsWith(":" + c + " "));
      if (declaration) {
        // Counters differ between runs; the declaration itself is what matters.
        own.add(trimmed.substring(0, trimmed.indexOf(' ')));
      } else if (trimmed.startsWith("-A ") && (ownChainRule(trimmed) || jumpsToOwnChain(trimmed))) {
        own.add(trimmed);
      }
    }
    return own;
  }

  private static boolean ownChainRule(String line) {
    return CHAINS.stream().anyMatch(c -> line.startsWith("-A " + c + " "));
  }

  private static boolean jumpsToOwnChain(String line) {
    return CHAINS.stream()
        .anyMatch(c -> line.endsWith("-j " + c) || line.contains("-j " + c + " "));
  }

  /** iptables-save prints a host as {@code /32}; rendering it that way keeps saves comparable. */
  private static String withPrefix(String cidr) {
    return cidr.contains("/") ? cidr : cidr + "/32";
  }
}
