package io.outrigger.sidecar.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What went wrong between the sidecar and the app, and the answer the client gets. The bodies are
 * documented (docs/sidecar-proxy.md) so people reading a curl output know it was the sidecar
 * talking, and why.
 */
public enum UpstreamFailure {
  /** Nothing listens on the app port (yet): the app is down or still starting. */
  REFUSED(
      503,
      "upstream_refused",
      "the app refused the connection on port %d; it may be down or still starting"),
  /** The app took longer than the request timeout to answer. */
  TIMEOUT(504, "upstream_timeout", "the app did not answer within %s"),
  /** The app closed or reset the connection before a complete response. */
  RESET(502, "upstream_reset", "the app closed the connection before a complete response");

  private final int status;
  private final String code;
  private final String template;

  UpstreamFailure(int status, String code, String template) {
    this.status = status;
    this.code = code;
    this.template = template;
  }

  public int status() {
    return status;
  }

  /**
   * Short machine-readable code, sent in the {@code x-outrigger-error} header and used as a metric
   * label.
   */
  public String code() {
    return code;
  }

  /** The response body: one line saying it is the sidecar, what failed and why. */
  public String body(int appPort, Duration timeout) {
    String detail = String.format(template, this == TIMEOUT ? humane(timeout) : appPort);
    return "outrigger sidecar: " + detail + "\n";
  }

  /** Classifies a failure from the HTTP client; anything not recognised is a reset (502). */
  public static UpstreamFailure of(Throwable error) {
    Throwable cause = error;
    while (cause != null) {
      if (cause instanceof ConnectTimeoutException) {
        return TIMEOUT;
      }
      if (cause instanceof ConnectException) {
        return REFUSED;
      }
      if (cause instanceof TimeoutException) {
        return TIMEOUT;
      }
      if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
        return RESET;
      }
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    return RESET;
  }

  private static String humane(Duration d) {
    return io.outrigger.config.DurationText.format(d);
  }
}
