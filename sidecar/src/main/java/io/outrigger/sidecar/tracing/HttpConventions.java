package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.semconv.HttpAttributes.HttpRequestMethodValues;
import io.vertx.core.http.HttpVersion;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The OpenTelemetry HTTP semantic conventions' rules for spans and metrics, as pure functions: the
 * recorded method, the span name, when a status is an error and what {@code error.type} says.
 * docs/sidecar-proxy.md names the conventions version and each rule's test.
 */
public final class HttpConventions {
  /** {@code http.request.method} of a method the sidecar is not told to know. */
  public static final String OTHER_METHOD = HttpRequestMethodValues.OTHER;

  /** The span name's {@code {method}} for an {@code _OTHER} method. */
  static final String OTHER_SPAN_METHOD = "HTTP";

  /**
   * Query parameters whose values are signatures or credentials (the conventions' list): their
   * value is replaced by {@value #REDACTED}, their key kept.
   */
  static final List<String> REDACTED_QUERY_KEYS =
      List.of("AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature");

  static final String REDACTED = "REDACTED";

  private final Set<String> known;

  /**
   * @param knownMethods the methods recorded as they are; the conventions make this list a full
   *     override of their default, and methods case-sensitive
   */
  public HttpConventions(Collection<String> knownMethods) {
    this.known = Set.copyOf(knownMethods);
  }

  /** {@code http.request.method}: the method when known (exactly, case included), else _OTHER. */
  public String method(String method) {
    return known.contains(method) ? method : OTHER_METHOD;
  }

  /** {@code http.request.method_original}: set only when it differs from the recorded method. */
  public String methodOriginal(String method) {
    return known.contains(method) ? null : method;
  }

  /**
   * {@code {method} {target}}, or {@code {method}} without a low-cardinality target; {@code
   * {method}} is {@code HTTP} when the method is recorded as _OTHER. The raw path is never a
   * target.
   */
  public String spanName(String method, String target) {
    String name = known.contains(method) ? method : OTHER_SPAN_METHOD;
    return target == null ? name : name + " " + target;
  }

  /**
   * Whether {@code status} makes the span an error: 5xx on both sides, 4xx on the client side only
   * (a server that answers 404 did its job), and any code outside 100–599, which no client can
   * interpret.
   */
  public static boolean isErrorStatus(SpanKind kind, int status) {
    if (status < 100 || status > 599) {
      return true;
    }
    return status >= 500 || (kind == SpanKind.CLIENT && status >= 400);
  }

  /**
   * {@code error.type}: the sidecar's failure code when the exchange failed (no answer, or the
   * response broke after it started), else the status code as a string when it is an error, else
   * null (a request that succeeded has none).
   *
   * @param status the status sent or received, or 0 when there was none
   */
  public static String errorType(SpanKind kind, int status, String failure) {
    if (failure != null) {
      return failure;
    }
    if (status == 0) {
      return null;
    }
    return isErrorStatus(kind, status) ? Integer.toString(status) : null;
  }

  /**
   * {@code query} with the values of {@link #REDACTED_QUERY_KEYS} replaced by {@code REDACTED}; the
   * same string when it has none of them.
   */
  public static String redactQuery(String query) {
    if (query == null || REDACTED_QUERY_KEYS.stream().noneMatch(query::contains)) {
      return query;
    }
    StringBuilder out = new StringBuilder(query.length());
    boolean redacted = false;
    for (String parameter : query.split("&", -1)) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      int eq = parameter.indexOf('=');
      String key = eq < 0 ? parameter : parameter.substring(0, eq);
      if (eq >= 0 && REDACTED_QUERY_KEYS.contains(key)) {
        out.append(key).append('=').append(REDACTED);
        redacted = true;
      } else {
        out.append(parameter);
      }
    }
    return redacted ? out.toString() : query;
  }

  /** {@code network.protocol.version}: {@code 1.0}, {@code 1.1} or {@code 2}. */
  public static String protocolVersion(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "1.0";
      case HTTP_1_1 -> "1.1";
      case HTTP_2 -> "2";
    };
  }
}
