package io.outrigger.sidecar.it;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP trace receiver for tests, on loopback, for both transports: HTTP/protobuf ({@code POST
 * /v1/traces}) and gRPC ({@code TraceService/Export} over HTTP/2 cleartext). Bodies are decoded
 * with the official opentelemetry-proto classes; anything that does not decode fails the request
 * and is counted.
 */
final class OtlpSink implements AutoCloseable {
  static final String GRPC_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

  final List<ResourceSpans> received = new CopyOnWriteArrayList<>();
  final List<ResourceMetrics> metrics = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String host;

  OtlpSink() {
    this("127.0.0.1");
  }

  /** On {@code host}: loopback, or an address a test gave this machine on a veth pair. */
  OtlpSink(String host) {
    this.host = host;
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(host).setPort(0))
            .requestHandler(this::handle)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  String endpoint() {
    return "http://" + host + ":" + server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              try {
                if (request.path().equals(GRPC_PATH)) {
                  grpc(request, body);
                } else if (request.path().equals("/v1/metrics")) {
                  ExportMetricsServiceRequest export =
                      ExportMetricsServiceRequest.parseFrom(body.getBytes());
                  metrics.addAll(export.getResourceMetricsList());
                  request
                      .response()
                      .putHeader("content-type", "application/x-protobuf")
                      .end(
                          Buffer.buffer(
                              ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
                } else if (request.path().equals("/v1/traces")) {
                  ExportTraceServiceRequest export =
                      ExportTraceServiceRequest.parseFrom(body.getBytes());
                  received.addAll(export.getResourceSpansList());
                  request
                      .response()
                      .putHeader("content-type", "application/x-protobuf")
                      .end(
                          Buffer.buffer(
                              ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                } else {
                  request.response().setStatusCode(404).end();
                }
              } catch (Exception e) {
                rejected.add(request.path() + ": " + e);
                request.response().setStatusCode(400).end(e.toString());
              }
            });
  }

  /** gRPC framing: 1 byte compressed flag, 4 bytes length, the message; status in trailers. */
  private void grpc(HttpServerRequest request, Buffer body) throws Exception {
    if (body.getByte(0) != 0) {
      throw new IllegalArgumentException("compressed gRPC message not expected");
    }
    int length = body.getInt(1);
    ExportTraceServiceRequest export =
        ExportTraceServiceRequest.parseFrom(body.getBytes(5, 5 + length));
    received.addAll(export.getResourceSpansList());
    byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    request
        .response()
        .putHeader("content-type", "application/grpc")
        .putTrailer("grpc-status", "0")
        .end(Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply));
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
