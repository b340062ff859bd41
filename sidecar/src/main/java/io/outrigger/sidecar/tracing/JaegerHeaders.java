package io.outrigger.sidecar.tracing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Jaeger's {@code uber-trace-id} ({@code {trace-id}:{span-id}:{parent-span-id}:{flags}}) and when
 * it is malformed. Ids are hex of variable length (leading zeros may be left out), flags one or two
 * hex digits; the parent-span-id is deprecated but still hex (0 for none), as Jaeger's own clients
 * check it.
 */
final class JaegerHeaders {
  static final String TRACE = "uber-trace-id";

  private static final Pattern VALUE =
      Pattern.compile("[0-9a-f]{1,32}:[0-9a-f]{1,16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}");

  private JaegerHeaders() {}

  /** {@code uber-trace-id} when it is present and malformed, else nothing. */
  static Set<String> malformed(UnaryOperator<String> header) {
    String value = header.apply(TRACE);
    return value == null || wellFormed(value) ? Set.of() : Set.of(TRACE);
  }

  static boolean wellFormed(String value) {
    String decoded = value;
    // Clients URL-encode the value in HTTP headers; the extractor decodes it when it has no ':'.
    if (value.indexOf(':') < 0) {
      try {
        decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return VALUE.matcher(decoded).matches();
  }
}
