package io.outrigger.config.interception;

import java.util.regex.Pattern;

/**
 * IPv4 CIDR checks for {@code --exclude-outbound-cidrs}; the rules are IPv4 (iptables, not
 * ip6tables).
 */
public final class Ipv4Cidr {
  private Ipv4Cidr() {}

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?");

  /** Throws with the offending value when {@code text} is not {@code a.b.c.d[/n]}. */
  public static void check(String text) {
    var match = IPV4.matcher(text);
    boolean valid = match.matches();
    for (int group = 1; valid && group <= 4; group++) {
      valid = Integer.parseInt(match.group(group)) <= 255;
    }
    if (valid && match.group(5) != null) {
      valid = Integer.parseInt(match.group(5)) <= 32;
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "--exclude-outbound-cidrs: '" + text + "' is not an IPv4 address or CIDR (a.b.c.d/n)");
    }
  }
}
