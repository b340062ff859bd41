package io.outrigger.webhook.patch;

/** RFC 6901 JSON pointers: building one token at a time with {@code ~} and {@code /} escaped. */
public final class JsonPointer {
  private JsonPointer() {}

  /** {@code parent} extended by one reference token; {@code ~} becomes ~0 before / becomes ~1. */
  public static String append(String parent, String token) {
    return parent + "/" + escape(token);
  }

  public static String append(String parent, int index) {
    return parent + "/" + index;
  }

  /** The order matters: escaping / first would turn its ~1 into ~01. */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
