package io.outrigger.sidecar.proxy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.outrigger.sidecar.tracing.HeaderCarrier;
import io.outrigger.sidecar.tracing.HttpConventions;
import io.outrigger.sidecar.tracing.OriginalRequest;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * Server spans and {@code http.server.request.duration} for proxied requests, per the HTTP semantic
 * conventions ({@link HttpConventions}): continues the caller's trace (or starts one), and hands
 * the app a context whose parent is the sidecar's span, so the app's own spans join the trace. A
 * malformed incoming header is ignored by the propagators: the request starts a new trace and is
 * not refused.
 */
final class ServerSpans {
  private static final TextMapGetter<MultiMap> GETTER = HeaderCarrier.GETTER;

  private static final TextMapSetter<MultiMap> SETTER = HeaderCarrier.SETTER;

  private static final AttributeKey<List<String>> REQUEST_ID_ATTRIBUTE =
      HttpAttributes.HTTP_REQUEST_HEADER.getAttributeKey(ForwardedHeaders.REQUEST_ID);

  private final Tracing tracing;

  ServerSpans(Tracing tracing) {
    this.tracing = tracing;
  }

  /**
   * Starts the span for {@code request} and writes the child context into {@code toApp} (replacing
   * the caller's propagation headers there). Returns null when tracing is off: headers then pass
   * through untouched. Every attribute the conventions list for sampling decisions is given at
   * creation ({@code http.route} included, since the route is known before the span starts); the
   * others only to a span that is recorded, so the 99% not sampled cost less.
   */
  Span start(RequestView request, MultiMap toApp, String route) {
    if (!tracing.enabled()) {
      return null;
    }
    HttpConventions conventions = tracing.conventions();
    TextMapPropagator propagator = tracing.propagator();
    Context parent = propagator.extract(Context.root(), request.headers(), GETTER);
    String method = request.method();
    String target = target(route);
    OriginalRequest original = request.original();
    SpanBuilder builder =
        tracing
            .tracer()
            .spanBuilder(conventions.spanName(method, target))
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, conventions.method(method))
            .setAttribute(UrlAttributes.URL_PATH, request.path())
            .setAttribute(UrlAttributes.URL_SCHEME, original.scheme());
    if (target != null) {
      builder.setAttribute(HttpAttributes.HTTP_ROUTE, target);
    }
    if (request.query() != null) {
      builder.setAttribute(UrlAttributes.URL_QUERY, HttpConventions.redactQuery(request.query()));
    }
    if (original.host() != null) {
      builder.setAttribute(ServerAttributes.SERVER_ADDRESS, original.host());
      builder.setAttribute(ServerAttributes.SERVER_PORT, (long) original.port());
    }
    if (original.client() != null) {
      builder.setAttribute(ClientAttributes.CLIENT_ADDRESS, original.client());
    }
    String userAgent = request.headers().get("user-agent");
    if (userAgent != null) {
      builder.setAttribute(UserAgentAttributes.USER_AGENT_ORIGINAL, userAgent);
    }
    String requestId = toApp.get(ForwardedHeaders.REQUEST_ID);
    if (requestId != null) {
      builder.setAttribute(REQUEST_ID_ATTRIBUTE, List.of(requestId));
    }
    Span span = builder.startSpan();
    if (span.isRecording()) {
      // Not among the attributes the conventions list for sampling: set only on a span kept.
      span.setAttribute(
          NetworkAttributes.NETWORK_PROTOCOL_VERSION,
          HttpConventions.protocolVersion(request.version()));
      String methodOriginal = conventions.methodOriginal(method);
      if (methodOriginal != null) {
        span.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, methodOriginal);
      }
      SocketAddress peer = request.peer();
      if (peer != null && peer.hostAddress() != null) {
        span.setAttribute(NetworkAttributes.NETWORK_PEER_ADDRESS, peer.hostAddress());
        span.setAttribute(NetworkAttributes.NETWORK_PEER_PORT, (long) peer.port());
      }
    }
    propagator.fields().forEach(toApp::remove);
    propagator.inject(parent.with(span), toApp, SETTER);
    return span;
  }

  /**
   * Ends {@code span} (if any) and records the request's duration.
   *
   * @param status the status the client got, or 0 when it got none (it went away first)
   * @param failure the sidecar's failure code when the exchange failed (no answer from the app, or
   *     a response that broke after it started), else null
   */
  void end(
      Span span, RequestView request, String route, int status, String failure, long startNanos) {
    String errorType = HttpConventions.errorType(SpanKind.SERVER, status, failure);
    if (span != null) {
      if (status > 0) {
        span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
      }
      if (errorType != null) {
        // The description only says what the status code cannot.
        span.setStatus(StatusCode.ERROR, failure == null ? "" : failure);
        span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
      }
      span.end();
    }
    var metrics = tracing.httpMetrics();
    if (metrics.recording()) {
      metrics.server(
          tracing.conventions().method(request.method()),
          request.original().scheme(),
          status,
          target(route),
          errorType,
          HttpConventions.protocolVersion(request.version()),
          System.nanoTime() - startNanos);
    }
  }

  /** {@code http.route}: a configured template that matched; the raw path never is one. */
  private static String target(String route) {
    return route != null && !RouteLabeler.OTHER.equals(route) ? route : null;
  }
}
