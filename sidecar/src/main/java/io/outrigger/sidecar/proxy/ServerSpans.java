package io.outrigger.sidecar.proxy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.outrigger.sidecar.tracing.HeaderCarrier;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * Server spans for proxied requests: continues the caller's trace (or starts one), and hands the
 * app a context whose parent is the sidecar's span, so the app's own spans join the trace. A
 * malformed incoming header is ignored by the propagators: the request starts a new trace and is
 * not refused.
 */
final class ServerSpans {
  private static final TextMapGetter<MultiMap> GETTER = HeaderCarrier.GETTER;

  private static final TextMapSetter<MultiMap> SETTER = HeaderCarrier.SETTER;

  private final Tracing tracing;

  ServerSpans(Tracing tracing) {
    this.tracing = tracing;
  }

  /**
   * Starts the span for {@code request} and writes the child context into {@code toApp} (replacing
   * the caller's propagation headers there). Returns null when tracing is off: headers then pass
   * through untouched.
   */
  Span start(HttpServerRequest request, MultiMap toApp, String route) {
    if (!tracing.enabled()) {
      return null;
    }
    TextMapPropagator propagator = tracing.propagator();
    Context parent = propagator.extract(Context.root(), request.headers(), GETTER);
    boolean knownRoute = route != null && !RouteLabeler.OTHER.equals(route);
    String method = request.method().name();
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
            .setAttribute("url.path", request.path())
            .startSpan();
    if (span.isRecording()) {
      describe(span, request, toApp, knownRoute ? route : null);
    }
    propagator.fields().forEach(toApp::remove);
    propagator.inject(parent.with(span), toApp, SETTER);
    return span;
  }

  /**
   * Ends {@code span} with the status the client got; {@code error} is the sidecar's error code, if
   * any.
   */
  static void end(Span span, int status, String error) {
    if (span == null) {
      return;
    }
    span.setAttribute("http.response.status_code", (long) status);
    if (status >= 500 || error != null) {
      span.setStatus(StatusCode.ERROR, error == null ? "" : error);
      span.setAttribute("error.type", error != null ? error : Integer.toString(status));
    }
    span.end();
  }

  private static void describe(Span span, HttpServerRequest request, MultiMap toApp, String route) {
    span.setAttribute("url.scheme", request.isSSL() ? "https" : "http");
    span.setAttribute("server.port", (long) request.localAddress().port());
    span.setAttribute("network.protocol.version", protocolVersion(request));
    if (route != null) {
      span.setAttribute("http.route", route);
    }
    if (request.query() != null) {
      span.setAttribute("url.query", request.query());
    }
    if (request.authority() != null) {
      span.setAttribute("server.address", request.authority().host());
    }
    if (request.remoteAddress() != null && request.remoteAddress().hostAddress() != null) {
      span.setAttribute("client.address", request.remoteAddress().hostAddress());
    }
    String userAgent = request.headers().get("user-agent");
    if (userAgent != null) {
      span.setAttribute("user_agent.original", userAgent);
    }
    String requestId = toApp.get(ForwardedHeaders.REQUEST_ID);
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
