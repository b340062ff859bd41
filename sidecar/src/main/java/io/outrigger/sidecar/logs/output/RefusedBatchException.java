package io.outrigger.sidecar.logs.output;

import java.util.Optional;

/**
 * The receiver answered that it will never take this batch as it is: too large (HTTP 413), or bad
 * (400, 422: a record in it is invalid for the receiver, such as Loki's "entry too far behind" or
 * "line too long"). Sending it again as it is cannot succeed, so {@link RetryingOutput} splits it
 * and sets aside the single records still refused. Every other failure (connection, timeout, 5xx,
 * 408, 429, and 401/403/404, which a config fix cures) is retried as it is.
 */
public final class RefusedBatchException extends RuntimeException {

  /** Why the receiver refused. */
  public enum Reason {
    TOO_LARGE,
    BAD
  }

  private final int status;
  private final Reason reason;

  public RefusedBatchException(int status, Reason reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  public Reason reason() {
    return reason;
  }

  /** The refusal an HTTP status means, if it is one. */
  public static Optional<Reason> forStatus(int status) {
    return switch (status) {
      case 413 -> Optional.of(Reason.TOO_LARGE);
      case 400, 422 -> Optional.of(Reason.BAD);
      default -> Optional.empty();
    };
  }
}
