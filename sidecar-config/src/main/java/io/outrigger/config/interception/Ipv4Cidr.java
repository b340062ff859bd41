package io.outrigger.config.interception;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code --exclude-outbound-cidrs} accepts, and so what the policy's {@code
 * excludeOutboundCIDRs} may hold: IPv4 addresses and CIDRs, {@code a.b.c.d[/n]}. The rules are IPv4
 * (iptables, not ip6tables), so IPv6 traffic is never captured and an IPv6 exclusion has nothing to
 * exclude.
 *
 * <p>Only the canonical spelling is accepted: no leading zeros (iptables would read {@code 010} as
 * octal, Java as decimal), no sign, no spaces. Whatever one side takes, the other takes the same.
 */
public final class Ipv4Cidr {
  private Ipv4Cidr() {}

  private static final String OCTET = "(0|[1-9][0-9]{0,2})";
  private static final Pattern IPV4 =
      Pattern.compile(
          OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET + "(?:/(0|[1-9][0-9]?))?");

  /** Why {@code text} is not accepted, or empty when it is. */
  public static Optional<String> problem(String text) {
    if (text != null && text.contains(":")) {
      return Optional.of(
          "'"
              + text
              + "' is IPv6; outbound capture is IPv4 only (iptables, not ip6tables), so IPv6"
              + " traffic is never captured and needs no exclusion");
    }
    var match = text == null ? null : IPV4.matcher(text);
    boolean valid = match != null && match.matches();
    for (int group = 1; valid && group <= 4; group++) {
      valid = Integer.parseInt(match.group(group)) <= 255;
    }
    if (valid && match.group(5) != null) {
      valid = Integer.parseInt(match.group(5)) <= 32;
    }
    return valid
        ? Optional.empty()
        : Optional.of(
            "'"
                + text
                + "' is not an IPv4 address or CIDR (a.b.c.d or a.b.c.d/n, without leading zeros)");
  }

  /** Throws with the offending value, as {@code init} reports a bad flag. */
  static void check(String text) {
    problem(text)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException("--exclude-outbound-cidrs: " + p);
            });
  }
}
