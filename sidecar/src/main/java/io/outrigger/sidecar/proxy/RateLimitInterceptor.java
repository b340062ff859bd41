package io.outrigger.sidecar.proxy;

import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Duration;

/**
 * Answers 429 with Retry-After when the listener's token bucket is empty; the app never sees the
 * request.
 */
final class RateLimitInterceptor implements ProxyInterceptor {
  private final ListenerSettings settings;

  RateLimitInterceptor(ListenerSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    TokenBucket bucket = settings.bucket();
    if (bucket == null) {
      return ctx.sendRequest();
    }
    Duration wait = bucket.tryAcquire(System.nanoTime());
    if (wait.isZero()) {
      return ctx.sendRequest();
    }
    // Retry-After is in whole seconds (RFC 9110); never 0, which some clients read as "retry at
    // once".
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    double rate = settings.config().rateLimit().requestsPerSecond();
    ProxyResponse response =
        Responses.answer(
                ctx,
                429,
                "rate_limited",
                "outrigger sidecar: rate limit of "
                    + formatRate(rate)
                    + " requests/s exceeded; retry after "
                    + seconds
                    + "s\n")
            .putHeader("retry-after", Long.toString(seconds));
    return Future.succeededFuture(response);
  }

  private static String formatRate(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }
}
