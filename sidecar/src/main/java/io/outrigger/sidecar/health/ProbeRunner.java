package io.outrigger.sidecar.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;

/**
 * Runs app probes the way the kubelet would: HTTP GET (2xx/3xx healthy; certificates not verified,
 * no keep-alive), TCP connect, and gRPC health v1 {@code Check} over HTTP/2 cleartext (SERVING
 * healthy).
 */
public final class ProbeRunner {
  private static final String GRPC_CHECK = "/grpc.health.v1.Health/Check";

  private final HttpClient http;
  private final HttpClient https;
  private final HttpClient grpc;
  private final NetClient tcp;

  public ProbeRunner(Vertx vertx) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.https =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(false)
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false));
    this.grpc =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    this.tcp = vertx.createNetClient(new NetClientOptions());
  }

  public Future<AppProbe.Result> run(AppProbe probe) {
    Future<AppProbe.Result> result;
    if (probe instanceof AppProbe.Http h) {
      result = http(h);
    } else if (probe instanceof AppProbe.Tcp t) {
      result = tcp(t);
    } else {
      result = grpc((AppProbe.Grpc) probe);
    }
    return result.recover(
        error -> Future.succeededFuture(new AppProbe.Result(false, describe(error))));
  }

  private Future<AppProbe.Result> http(AppProbe.Http probe) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(probe.host())
            .setPort(probe.port())
            .setURI(probe.path())
            .setTimeout(probe.timeout().toMillis())
            .putHeader("user-agent", "kube-probe/outrigger");
    probe.headers().forEach(options::putHeader);
    return (probe.https() ? https : http)
        .request(options)
        .compose(request -> request.send())
        .compose(
            response ->
                response
                    .body()
                    .map(
                        body -> {
                          int status = response.statusCode();
                          boolean healthy = status >= 200 && status < 400;
                          return new AppProbe.Result(
                              healthy, "HTTP " + status + " from " + probe.path());
                        }));
  }

  private Future<AppProbe.Result> tcp(AppProbe.Tcp probe) {
    return tcp.connect(probe.port(), probe.host())
        .timeout(probe.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .compose(
            socket ->
                socket
                    .close()
                    .map(v -> new AppProbe.Result(true, "connected to port " + probe.port())));
  }

  private Future<AppProbe.Result> grpc(AppProbe.Grpc probe) {
    byte[] service = probe.service().getBytes(StandardCharsets.UTF_8);
    // HealthCheckRequest { string service = 1; } in protobuf wire format, inside gRPC's 5-byte
    // message frame.
    Buffer message = Buffer.buffer();
    if (service.length > 0) {
      message.appendByte((byte) 0x0A);
      appendVarint(message, service.length);
      message.appendBytes(service);
    }
    Buffer frame =
        Buffer.buffer().appendByte((byte) 0).appendInt(message.length()).appendBuffer(message);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(probe.port())
            .setURI(GRPC_CHECK)
            .setTimeout(probe.timeout().toMillis())
            .putHeader("content-type", "application/grpc")
            .putHeader("te", "trailers");
    return grpc.request(options)
        .compose(request -> request.send(frame))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        body ->
                            grpcResult(
                                response.trailers().get("grpc-status") != null
                                    ? response.trailers().get("grpc-status")
                                    : response.headers().get("grpc-status"),
                                body)));
  }

  /** HealthCheckResponse { ServingStatus status = 1; }: SERVING is 1. */
  static AppProbe.Result grpcResult(String grpcStatus, Buffer body) {
    if (grpcStatus != null && !grpcStatus.equals("0")) {
      return new AppProbe.Result(false, "gRPC status " + grpcStatus);
    }
    int status = 0;
    if (body.length() >= 7 && body.getByte(5) == 0x08) {
      status = body.getByte(6);
    }
    String name =
        switch (status) {
          case 1 -> "SERVING";
          case 2 -> "NOT_SERVING";
          case 3 -> "SERVICE_UNKNOWN";
          default -> "UNKNOWN";
        };
    return new AppProbe.Result(status == 1, "gRPC health " + name);
  }

  private static void appendVarint(Buffer buffer, int value) {
    while ((value & ~0x7F) != 0) {
      buffer.appendByte((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    buffer.appendByte((byte) value);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
