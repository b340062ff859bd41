package io.outrigger.config;

/**
 * A config document that cannot be used, with where and why, so the running config can stay and say
 * so.
 */
public final class InvalidConfigException extends RuntimeException {
  private final String source;
  private final String location;
  private final String field;
  private final String reason;

  /**
   * A field a component cannot use, found after the document parsed; {@link #in} adds the file. Its
   * message is {@code field: reason}.
   */
  public InvalidConfigException(String field, String reason) {
    this("", "", field, reason);
  }

  public InvalidConfigException(String source, String location, String field, String reason) {
    super(describe(source, location, field, reason));
    this.source = source;
    this.location = location;
    this.field = field;
    this.reason = reason;
  }

  /** The same error, said of {@code document} (a file name, {@code environment}). */
  public InvalidConfigException in(String document) {
    return new InvalidConfigException(document, location, field, reason);
  }

  private static String describe(String source, String location, String field, String reason) {
    if (source.isEmpty() && location.isEmpty()) {
      return field.isEmpty() ? reason : field + ": " + reason;
    }
    StringBuilder text = new StringBuilder(source);
    if (!location.isEmpty()) {
      text.append(" (").append(location).append(')');
    }
    if (!field.isEmpty()) {
      text.append(": field '").append(field).append('\'');
    }
    return text.append(": ").append(reason).toString();
  }

  /** The file or other origin of the document. */
  public String source() {
    return source;
  }

  /** Line and column when the document could not be parsed at all, else empty. */
  public String location() {
    return location;
  }

  /** Dotted path of the offending field, empty when the document as a whole is wrong. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
