package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outrigger.config.Propagator;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.OutboundConfig;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.outbound.OutboundProxy;
import io.outrigger.sidecar.proxy.InboundProxy;
import io.outrigger.sidecar.proxy.ListenerPorts;
import io.outrigger.sidecar.proxy.RawHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The two places the sidecar reads trace context, in front of one real backend on loopback: the
 * inbound proxy (the backend plays the app) and the outbound ambassador (the backend plays the
 * upstream the app calls). Requests are written byte for byte, so repeated fields, empty fields and
 * odd whitespace arrive the way a conformance harness sends them.
 */
final class TwoHops implements AutoCloseable {
  /** Where the headers go in. */
  enum Hop {
    /** A caller → the inbound proxy → the app. */
    INBOUND,
    /** The app → the ambassador → an upstream. */
    OUTBOUND
  }

  /** One header field line; a name may be sent several times. */
  record Field(String name, String value) {}

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<MultiMap> received = new LinkedBlockingQueue<>();
  private final Tracing tracing;
  private final int backendPort;
  private final int inboundPort;
  private final int outboundPort;

  TwoHops(List<Propagator> propagators) {
    HttpServer backend =
        join(
            vertx
                .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(
                    r -> {
                      received.add(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
                      r.response().end("ok");
                    })
                .listen());
    backendPort = backend.actualPort();
    SidecarConfig defaults = SidecarConfig.defaults();
    tracing =
        new Tracing(
            defaults.tracing().withSamplingRatio(1.0).withPropagators(propagators),
            new PodIdentity("pod-1", "ns", "node-1", "uid-1", "demo", Map.of()),
            SimpleSpanProcessor.create(spans));
    InboundProxy inbound =
        new InboundProxy(
            vertx,
            "127.0.0.1",
            List.of(new ListenerPorts(backendPort, 0)),
            tracing,
            new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    join(inbound.start(defaults.proxy()));
    inboundPort = inbound.boundPorts().get(0);
    OutboundProxy ambassador =
        new OutboundProxy(
            vertx,
            tracing,
            new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    outboundPort =
        join(
            ambassador.start(
                "127.0.0.1",
                0,
                new OutboundConfig(
                    true,
                    Duration.ofSeconds(5),
                    0,
                    0.2,
                    1000,
                    Duration.ofSeconds(30),
                    null,
                    List.of()),
                Duration.ofSeconds(1)));
  }

  /** Sends {@code fields} through {@code hop} and returns every header line the backend got. */
  MultiMap send(Hop hop, List<Field> fields) throws Exception {
    received.clear();
    StringBuilder request = new StringBuilder();
    int port;
    if (hop == Hop.INBOUND) {
      port = inboundPort;
      request.append("GET /traced HTTP/1.1\r\nHost: 127.0.0.1:").append(backendPort);
    } else {
      // Absolute form: the app uses the ambassador as its HTTP proxy.
      port = outboundPort;
      request
          .append("GET http://127.0.0.1:")
          .append(backendPort)
          .append("/traced HTTP/1.1\r\nHost: 127.0.0.1:")
          .append(backendPort);
    }
    request.append("\r\nConnection: close\r\n");
    for (Field field : fields) {
      request.append(field.name()).append(": ").append(field.value()).append("\r\n");
    }
    request.append("\r\n");
    String answer = RawHttp.exchange(port, request.toString());
    assertThat(answer).as("the request was served").startsWith("HTTP/1.1 200");
    MultiMap headers = received.poll(5, TimeUnit.SECONDS);
    assertThat(headers).as("the backend got the request").isNotNull();
    return headers;
  }

  @Override
  public void close() {
    tracing.close();
    join(vertx.close());
  }

  private static <T> T join(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
  }
}
