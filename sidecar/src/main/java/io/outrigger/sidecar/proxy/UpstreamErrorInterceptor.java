package io.outrigger.sidecar.proxy;

import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Innermost interceptor: turns a failure to reach the app into a clear answer (503 refused, 504
 * timeout, 502 reset) instead of vertx-http-proxy's bare 502, and counts it. Failures after the
 * response started streaming cannot change the status; the client connection is reset then, as any
 * proxy must.
 */
final class UpstreamErrorInterceptor implements ProxyInterceptor {
  private final String listener;
  private final int appPort;
  private final ListenerSettings settings;
  private final ProxyMetrics metrics;

  UpstreamErrorInterceptor(
      String listener, int appPort, ListenerSettings settings, ProxyMetrics metrics) {
    this.listener = listener;
    this.appPort = appPort;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    return ctx.sendRequest()
        .recover(
            error -> {
              UpstreamFailure failure = UpstreamFailure.of(error);
              metrics.upstreamFailure(listener, failure.code());
              return Future.succeededFuture(
                  Responses.answer(
                      ctx,
                      failure.status(),
                      failure.code(),
                      failure.body(appPort, settings.config().requestTimeout())));
            });
  }
}
