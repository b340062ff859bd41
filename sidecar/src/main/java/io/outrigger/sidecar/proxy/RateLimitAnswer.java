package io.outrigger.sidecar.proxy;

import java.time.Duration;

/**
 * The sidecar's answer to a request over the listener's rate limit, the same on both paths.
 *
 * @param retryAfter the {@code Retry-After} value: whole seconds (RFC 9110 §10.2.3), never 0, which
 *     some clients read as "retry at once"
 * @param body the one-line plain-text body
 */
record RateLimitAnswer(String retryAfter, String body) {
  static final int STATUS = 429;
  static final String CODE = "rate_limited";

  static RateLimitAnswer of(Duration wait, double requestsPerSecond) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    String limit =
        requestsPerSecond == Math.rint(requestsPerSecond)
            ? Long.toString((long) requestsPerSecond)
            : Double.toString(requestsPerSecond);
    return new RateLimitAnswer(
        Long.toString(seconds),
        "outrigger sidecar: rate limit of "
            + limit
            + " requests/s exceeded; retry after "
            + seconds
            + "s\n");
  }
}
