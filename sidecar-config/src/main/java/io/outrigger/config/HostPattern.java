package io.outrigger.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host a policy names: a DNS name ({@code api.example.com}), an IPv4 or IPv6 address as written,
 * or {@code *.example.com} for every name under a domain (not the domain itself). Names compare
 * case-insensitively and without a trailing dot. The policy validator checks patterns with {@link
 * #problem} and the sidecar matches with {@link #matches}, so both read a pattern the same way.
 */
public final class HostPattern {
  private HostPattern() {}

  private static final Pattern NAME =
      Pattern.compile(
          "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-f:.]+$");

  /** Why {@code pattern} is not a host pattern, or empty when it is one. */
  public static Optional<String> problem(String pattern) {
    String host = pattern == null ? "" : normal(pattern);
    String name = host.startsWith("*.") ? host.substring(2) : host;
    boolean valid =
        host.contains(":")
            ? IPV6.matcher(host).matches() && isIpv6Literal(host)
            : name.length() <= 253 && NAME.matcher(name).matches();
    return valid
        ? Optional.empty()
        : Optional.of(
            "'"
                + pattern
                + "' is not a host (api.example.com, 10.0.0.5, fd00::5) or a domain wildcard"
                + " (*.example.com); give no scheme, port or path");
  }

  /** True when {@code host}, as the app called it, is one {@code pattern} names. */
  public static boolean matches(String pattern, String host) {
    if (pattern == null || host == null || problem(pattern).isPresent()) {
      return false;
    }
    String wanted = normal(pattern);
    String given = normal(host);
    if (wanted.startsWith("*.")) {
      String domain = wanted.substring(1);
      return given.endsWith(domain) && given.length() > domain.length();
    }
    return given.equals(wanted);
  }

  /** A string with ':' is only ever parsed as a literal, never looked up. */
  private static boolean isIpv6Literal(String host) {
    try {
      return InetAddress.getByName(host) instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String normal(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
