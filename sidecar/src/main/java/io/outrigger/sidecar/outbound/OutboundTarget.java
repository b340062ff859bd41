package io.outrigger.sidecar.outbound;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where an app's request goes and how, decided from the request line alone (a pure function):
 *
 * <ul>
 *   <li>{@code CONNECT host:port}: a tunnel to host:port;
 *   <li>absolute-form {@code GET http://host[:port]/path} (an app using {@code HTTP_PROXY});
 *   <li>origin-form {@code GET /path} on a connection iptables redirected: the original destination
 *       the kernel recorded, with the Host header naming it (labels, spans);
 *   <li>origin-form without an original destination: the Host header (port 80 unless given).
 * </ul>
 *
 * @param connectHost the address to connect to (an IP for captured connections)
 * @param host the destination's name as the app called it (Host header or URI), for labels
 * @param uri the request target to send (origin-form)
 * @param ssl whether to speak TLS to the destination ({@code https://} absolute URIs)
 */
public record OutboundTarget(
    String connectHost, int connectPort, String host, int port, String uri, boolean ssl) {

  /**
   * The same request sent to the destination by its name rather than to the address the connection
   * was redirected from. A captured connection's name is only the app's Host header; connecting to
   * that name (resolved the way the app would) makes the name true before a credential rides on it.
   */
  public OutboundTarget byName() {
    return connectHost.equals(host) && connectPort == port
        ? this
        : new OutboundTarget(host, port, host, port, uri, ssl);
  }

  /** Thrown with a message for the client when a request names no usable destination. */
  public static final class NoDestinationException extends Exception {
    NoDestinationException(String message) {
      super(message);
    }
  }

  /**
   * @param method the request method
   * @param requestTarget the request line's target as received
   * @param hostHeader the Host header, or null
   * @param originalHost the original destination's address when the connection was redirected, else
   *     null
   */
  public static OutboundTarget of(
      String method, String requestTarget, String hostHeader, String originalHost, int originalPort)
      throws NoDestinationException {
    if (method.equals("CONNECT")) {
      HostPort authority = HostPort.parse(requestTarget, -1);
      if (authority == null || authority.port() < 0) {
        throw new NoDestinationException("CONNECT needs host:port, got '" + requestTarget + "'");
      }
      return new OutboundTarget(
          authority.host(), authority.port(), authority.host(), authority.port(), "", false);
    }
    String lower = requestTarget.regionMatches(true, 0, "http", 0, 4) ? requestTarget : "";
    if (lower.regionMatches(true, 0, "http://", 0, 7)
        || lower.regionMatches(true, 0, "https://", 0, 8)) {
      return absolute(requestTarget);
    }
    if (!requestTarget.startsWith("/") && !requestTarget.equals("*")) {
      throw new NoDestinationException("unsupported request target '" + requestTarget + "'");
    }
    HostPort named = hostHeader == null ? null : HostPort.parse(hostHeader, 80);
    if (originalHost != null) {
      String host = named != null ? named.host() : originalHost;
      return new OutboundTarget(
          originalHost, originalPort, host, originalPort, requestTarget, false);
    }
    if (named == null) {
      throw new NoDestinationException(
          "no destination: send an absolute URI (http://host/path, as HTTP_PROXY clients do),"
              + " CONNECT host:port, or a Host header");
    }
    return new OutboundTarget(
        named.host(), named.port(), named.host(), named.port(), requestTarget, false);
  }

  private static OutboundTarget absolute(String target) throws NoDestinationException {
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      throw new NoDestinationException("malformed absolute URI '" + target + "'");
    }
    if (uri.getHost() == null) {
      throw new NoDestinationException("absolute URI without a host: '" + target + "'");
    }
    boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new OutboundTarget(host, port, host, port, path + query, ssl);
  }

  /** {@code host[:port]}, IPv6 literals in brackets. */
  record HostPort(String host, int port) {
    static HostPort parse(String text, int defaultPort) {
      String value = text.trim();
      if (value.isEmpty()) {
        return null;
      }
      String host = value;
      String port = null;
      if (value.startsWith("[")) {
        int close = value.indexOf(']');
        if (close < 0) {
          return null;
        }
        host = value.substring(1, close);
        if (value.length() > close + 1) {
          if (value.charAt(close + 1) != ':') {
            return null;
          }
          port = value.substring(close + 2);
        }
      } else {
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
          host = value.substring(0, colon);
          port = value.substring(colon + 1);
        }
      }
      if (host.isEmpty()) {
        return null;
      }
      if (port == null) {
        return new HostPort(host, defaultPort);
      }
      try {
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65535 ? new HostPort(host, number) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
