package io.outrigger.sidecar.proxy;

import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Outermost interceptor: times every request, including the ones the sidecar answers itself (429,
 * 5xx).
 */
final class RequestMetricsInterceptor implements ProxyInterceptor {
  static final String START = "outrigger.start";
  static final String ROUTE = "outrigger.route";

  private final String listener;
  private final ListenerSettings settings;
  private final ProxyMetrics metrics;

  RequestMetricsInterceptor(String listener, ListenerSettings settings, ProxyMetrics metrics) {
    this.listener = listener;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    ctx.set(START, System.nanoTime());
    ctx.set(ROUTE, settings.routes().label(ctx.request().proxiedRequest().path()));
    return ctx.sendRequest();
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    return ctx.sendResponse().andThen(done -> record(ctx));
  }

  private void record(ProxyContext ctx) {
    Long start = ctx.get(START, Long.class);
    if (start == null) {
      return;
    }
    HttpServerRequest request = ctx.request().proxiedRequest();
    metrics.record(
        "inbound",
        listener,
        request.method().name(),
        ctx.response().getStatusCode(),
        ctx.get(ROUTE, String.class),
        System.nanoTime() - start,
        request.bytesRead(),
        request.response().bytesWritten());
  }
}
