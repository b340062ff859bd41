package io.outrigger.api.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Pure syntax checks for values the CRD schema cannot express. Each returns the problem, or empty
 * when the value is fine.
 */
final class Syntax {
  private Syntax() {}

  private static final Pattern LABEL_NAME =
      Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern PROMETHEUS_LABEL = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  private static final Pattern HTTP_TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
  private static final Pattern IMAGE =
      Pattern.compile("^[a-z0-9]+([._/:-][a-zA-Z0-9._-]+)*(@sha256:[a-f0-9]{64})?$");
  private static final Pattern ROUTE_PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$");
  private static final Set<String> TIME_FORMAT_WORDS = Set.of("ISO8601", "epoch", "epoch_millis");

  /**
   * A Kubernetes label key: optional DNS-subdomain prefix and '/', then a name of at most 63
   * characters.
   */
  static Optional<String> labelKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.of("a label key must not be empty");
    }
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return Optional.of(
            "'" + key + "' is not a valid label key: the prefix must be a DNS subdomain");
      }
    }
    if (name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return Optional.of(
          "'"
              + key
              + "' is not a valid label key: at most 63 characters, alphanumerics, '-', '_' or '.',"
              + " starting and ending with an alphanumeric");
    }
    return Optional.empty();
  }

  /** A Kubernetes label value: empty, or at most 63 characters like a label name. */
  static Optional<String> labelValue(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return Optional.of("'" + value + "' is not a valid label value");
    }
    return Optional.empty();
  }

  static Optional<String> prometheusLabelName(String name) {
    return name != null && PROMETHEUS_LABEL.matcher(name).matches()
        ? Optional.empty()
        : Optional.of(
            "'" + name + "' is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
  }

  static Optional<String> httpHeaderName(String name) {
    return name != null && HTTP_TOKEN.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("'" + name + "' is not a valid HTTP header name");
  }

  /** An HTTP method is a token (RFC 9110 §9.1), matched case-sensitively. */
  static Optional<String> httpMethod(String method) {
    return method != null && HTTP_TOKEN.matcher(method).matches()
        ? Optional.empty()
        : Optional.of("'" + method + "' is not an HTTP method (a token such as GET or PROPFIND)");
  }

  /** An absolute http(s) URL with a host. */
  static Optional<String> httpUrl(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of("a URL is required");
    }
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        return Optional.of("'" + url + "' must start with http:// or https://");
      }
      if (uri.getHost() == null) {
        return Optional.of("'" + url + "' has no host");
      }
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("'" + url + "' is not a URL: " + e.getReason());
    }
  }

  static Optional<String> hostName(String host) {
    return host != null && host.length() <= 253 && HOST_NAME.matcher(host).matches()
        ? Optional.empty()
        : Optional.of("'" + host + "' is not a host name or IPv4 address");
  }

  static Optional<String> port(Integer port) {
    return port != null && port >= 1 && port <= 65535
        ? Optional.empty()
        : Optional.of("port " + port + " is outside 1-65535");
  }

  static Optional<String> regex(String regex) {
    try {
      Pattern.compile(regex);
      return Optional.empty();
    } catch (PatternSyntaxException e) {
      return Optional.of(
          "'"
              + regex
              + "' is not a valid regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex());
    }
  }

  static Optional<String> glob(String glob) {
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("'" + glob + "' is not a valid glob: " + e.getMessage());
    }
  }

  static Optional<String> image(String image) {
    return image != null && image.length() <= 512 && IMAGE.matcher(image).matches()
        ? Optional.empty()
        : Optional.of(
            "'"
                + image
                + "' is not an image reference such as ghcr.io/org/outrigger-sidecar:0.1.0");
  }

  static Optional<String> timeFormat(String format) {
    if (TIME_FORMAT_WORDS.contains(format)) {
      return Optional.empty();
    }
    try {
      DateTimeFormatter.ofPattern(format);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(
          "'"
              + format
              + "' is neither ISO8601, epoch, epoch_millis nor a java.time pattern: "
              + e.getMessage());
    }
  }

  /** A route template: starts with '/', parameters written {name}, braces balanced. */
  static Optional<String> routePattern(String route) {
    if (route == null || !route.startsWith("/")) {
      return Optional.of("'" + route + "' must start with '/'");
    }
    String withoutParams = ROUTE_PARAM.matcher(route).replaceAll("");
    if (withoutParams.contains("{") || withoutParams.contains("}")) {
      return Optional.of("'" + route + "' has a malformed parameter: write parameters as {name}");
    }
    return Optional.empty();
  }

  static boolean hasNamedGroup(String regex, String name) {
    return regex.contains("(?<" + name + ">");
  }

  static boolean hasAnyNamedGroup(String regex) {
    return Pattern.compile("\\(\\?<[a-zA-Z][a-zA-Z0-9]*>").matcher(regex).find();
  }
}
