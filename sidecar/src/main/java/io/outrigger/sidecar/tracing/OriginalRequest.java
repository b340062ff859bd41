package io.outrigger.sidecar.tracing;

import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;

/**
 * What the original client asked for and who it is, as the HTTP semantic conventions want server
 * spans to say: the host, port and scheme the client used and the client's address, read from the
 * first hop of {@code Forwarded} (RFC 7239), else {@code X-Forwarded-Host/Proto/For}, else this
 * connection (its {@code Host} or {@code :authority}, TLS or not, its peer).
 *
 * @param scheme {@code http} or {@code https}; a forwarded scheme that is neither is ignored, since
 *     the value becomes a metric attribute and must stay bounded
 * @param host {@code server.address}, or null when the request named none
 * @param port {@code server.port}: the named port, else the scheme's default; -1 without a host
 * @param client {@code client.address}
 */
public record OriginalRequest(String scheme, String host, int port, String client) {

  /**
   * @param headers the request's headers as the client sent them
   * @param authority the request's {@code Host} or {@code :authority}, or null
   * @param tls whether the connection to the sidecar is TLS
   * @param peer the connection's peer address, or null
   */
  public static OriginalRequest of(
      MultiMap headers, HostAndPort authority, boolean tls, String peer) {
    String forwarded = headers.get("forwarded");
    String forwardedProto = null;
    String forwardedHost = null;
    String forwardedFor = null;
    if (forwarded != null) {
      String first = firstElement(forwarded, ',');
      forwardedProto = parameter(first, "proto");
      forwardedHost = parameter(first, "host");
      forwardedFor = parameter(first, "for");
    }
    String scheme =
        scheme(
            forwardedProto != null ? forwardedProto : first(headers, "x-forwarded-proto"),
            tls ? "https" : "http");
    HostAndPort server =
        parse(forwardedHost != null ? forwardedHost : first(headers, "x-forwarded-host"));
    if (server == null) {
      server = authority;
    }
    String client =
        nodeAddress(forwardedFor != null ? forwardedFor : first(headers, "x-forwarded-for"));
    if (client == null) {
      client = peer;
    }
    if (server == null || server.host() == null || server.host().isEmpty()) {
      return new OriginalRequest(scheme, null, -1, client);
    }
    int port = server.port() > 0 ? server.port() : "https".equals(scheme) ? 443 : 80;
    return new OriginalRequest(scheme, server.host(), port, client);
  }

  private static String scheme(String forwarded, String own) {
    if (forwarded == null) {
      return own;
    }
    String scheme = forwarded.trim().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https") ? scheme : own;
  }

  /** The first member of a comma-separated list header: the hop nearest the original client. */
  private static String first(MultiMap headers, String name) {
    String value = headers.get(name);
    return value == null ? null : firstElement(value, ',').trim();
  }

  private static String firstElement(String value, char separator) {
    int end = value.indexOf(separator);
    return end < 0 ? value : value.substring(0, end);
  }

  /** A {@code Forwarded} element's parameter ({@code for=...;proto=...}), unquoted; or null. */
  static String parameter(String element, String name) {
    for (String pair : element.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
        String value = pair.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  private static HostAndPort parse(String hostAndPort) {
    return hostAndPort == null || hostAndPort.isBlank()
        ? null
        : HostAndPort.parseAuthority(hostAndPort.trim(), -1);
  }

  /**
   * The address of a {@code for} node: an IPv4 address or host, an IPv6 address without its
   * brackets, without a port; null for {@code unknown} and obfuscated ({@code _hidden}) nodes.
   */
  static String nodeAddress(String node) {
    if (node == null) {
      return null;
    }
    String value = node.trim();
    if (value.isEmpty() || value.equalsIgnoreCase("unknown") || value.startsWith("_")) {
      return null;
    }
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      return close > 1 ? value.substring(1, close) : null;
    }
    int colon = value.indexOf(':');
    // One colon is host:port; more is a bare IPv6 address (X-Forwarded-For writes them so).
    if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
      return value.substring(0, colon);
    }
    return value;
  }
}
