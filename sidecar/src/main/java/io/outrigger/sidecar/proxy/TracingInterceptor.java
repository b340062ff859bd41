package io.outrigger.sidecar.proxy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Continues the caller's trace (or starts one), records a server span per request with HTTP
 * semantic-convention attributes, and hands the app a context whose parent is that span, so the
 * app's own spans join the trace. A malformed incoming header is ignored by the propagators: the
 * request starts a new trace and is not refused.
 */
final class TracingInterceptor implements ProxyInterceptor {
  private static final String SPAN = "outrigger.span";

  private static final TextMapGetter<MultiMap> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
          return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private static final TextMapSetter<MultiMap> SETTER =
      (carrier, key, value) -> carrier.set(key, value);

  private final Tracing tracing;

  TracingInterceptor(Tracing tracing) {
    this.tracing = tracing;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    if (!tracing.enabled()) {
      return ctx.sendRequest();
    }
    HttpServerRequest incoming = ctx.request().proxiedRequest();
    MultiMap headers = ctx.request().headers();
    TextMapPropagator propagator = tracing.propagator();
    Context parent = propagator.extract(Context.root(), headers, GETTER);
    String route = ctx.get(RequestMetricsInterceptor.ROUTE, String.class);
    boolean knownRoute = route != null && !RouteLabeler.OTHER.equals(route);
    String method = incoming.method().name();
    // Only what the sampler may look at goes on the builder; the rest is added once the span is
    // known to be
    // recorded, so the 99% of unsampled requests pay for none of it.
    Span span =
        tracing
            .tracer()
            .spanBuilder(knownRoute ? method + " " + route : method)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute("http.request.method", method)
            .setAttribute("url.path", incoming.path())
            .startSpan();
    if (span.isRecording()) {
      describe(span, incoming, headers, knownRoute ? route : null);
    }
    ctx.set(SPAN, span);
    // Replace, not add to, the caller's headers: the app's parent must be the sidecar's span.
    propagator.fields().forEach(headers::remove);
    propagator.inject(parent.with(span), headers, SETTER);
    return ctx.sendRequest()
        .onFailure(
            error -> {
              span.recordException(error);
              span.setStatus(StatusCode.ERROR, error.getMessage());
              span.end();
            });
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    Span span = ctx.get(SPAN, Span.class);
    if (span == null) {
      return ctx.sendResponse();
    }
    int status = ctx.response().getStatusCode();
    span.setAttribute("http.response.status_code", (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
      String error = ctx.response().headers().get(Responses.ERROR_HEADER);
      span.setAttribute("error.type", error != null ? error : Integer.toString(status));
    }
    return ctx.sendResponse()
        .andThen(
            done -> {
              if (done.failed()) {
                span.setStatus(
                    StatusCode.ERROR,
                    "response to the client failed: " + done.cause().getMessage());
              }
              span.end();
            });
  }

  private static void describe(
      Span span, HttpServerRequest incoming, MultiMap headers, String route) {
    span.setAttribute("url.scheme", incoming.isSSL() ? "https" : "http");
    span.setAttribute("server.port", (long) incoming.localAddress().port());
    span.setAttribute("network.protocol.version", protocolVersion(incoming));
    if (route != null) {
      span.setAttribute("http.route", route);
    }
    if (incoming.query() != null) {
      span.setAttribute("url.query", incoming.query());
    }
    if (incoming.authority() != null) {
      span.setAttribute("server.address", incoming.authority().host());
    }
    if (incoming.remoteAddress() != null && incoming.remoteAddress().hostAddress() != null) {
      span.setAttribute("client.address", incoming.remoteAddress().hostAddress());
    }
    String userAgent = headers.get("user-agent");
    if (userAgent != null) {
      span.setAttribute("user_agent.original", userAgent);
    }
    String requestId = headers.get(ForwardingHeadersInterceptor.REQUEST_ID);
    if (requestId != null) {
      span.setAttribute("http.request.header.x-request-id", requestId);
    }
  }

  private static String protocolVersion(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "1.0";
      case HTTP_1_1 -> "1.1";
      case HTTP_2 -> "2";
    };
  }
}
