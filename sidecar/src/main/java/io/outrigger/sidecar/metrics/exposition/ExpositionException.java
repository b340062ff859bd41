package io.outrigger.sidecar.metrics.exposition;

/**
 * An exposition that cannot be used, with the line (1-based) and the reason. The whole scrape is
 * refused.
 */
public final class ExpositionException extends Exception {
  private final int line;
  private final String reason;

  public ExpositionException(int line, String reason) {
    super(line > 0 ? "line " + line + ": " + reason : reason);
    this.line = line;
    this.reason = reason;
  }

  public int line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
