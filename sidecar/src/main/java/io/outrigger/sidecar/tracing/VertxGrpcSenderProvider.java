package io.outrigger.sidecar.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.function.Consumer;

/**
 * OTLP/gRPC for the OpenTelemetry exporters over Vert.x's HTTP/2 client. The JDK HTTP client cannot
 * speak gRPC to a plaintext collector (no HTTP/2 prior knowledge), and OkHttp is kept out of the
 * sidecar, so this small sender frames the exporter's message (RFC: gRPC over HTTP/2,
 * length-prefixed) and reads {@code grpc-status}.
 */
public final class VertxGrpcSenderProvider implements GrpcSenderProvider {
  private static volatile Vertx shared;

  /**
   * The sidecar hands over its Vert.x instance so export shares its event loops instead of starting
   * new ones.
   */
  public static void useVertx(Vertx vertx) {
    shared = vertx;
  }

  private static synchronized Vertx vertx() {
    if (shared == null) {
      shared = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    }
    return shared;
  }

  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    return new Sender(config);
  }

  private static final class Sender implements GrpcSender {
    private final GrpcSenderConfig config;
    private final HttpClient client;
    private final URI target;

    Sender(GrpcSenderConfig config) {
      this.config = config;
      URI endpoint = config.getEndpoint();
      this.target = endpoint.resolve("/" + config.getFullMethodName());
      boolean tls = "https".equals(endpoint.getScheme());
      this.client =
          vertx()
              .createHttpClient(
                  new HttpClientOptions()
                      .setProtocolVersion(HttpVersion.HTTP_2)
                      .setHttp2ClearTextUpgrade(false)
                      .setUseAlpn(tls)
                      .setSsl(tls)
                      .setConnectTimeout((int) config.getConnectTimeout().toMillis()));
    }

    @Override
    public void send(
        MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
      Buffer body;
      try {
        body = frame(writer);
      } catch (IOException e) {
        onError.accept(e);
        return;
      }
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(target.toString())
              .setTimeout(config.getTimeout().toMillis())
              .putHeader("content-type", "application/grpc")
              .putHeader("te", "trailers")
              .putHeader("grpc-timeout", config.getTimeout().toMillis() + "m");
      if (config.getCompressor() != null) {
        options.putHeader("grpc-encoding", config.getCompressor().getEncoding());
      }
      config
          .getHeadersSupplier()
          .get()
          .forEach((name, values) -> values.forEach(v -> options.addHeader(name, v)));
      client
          .request(options)
          .compose(request -> request.send(body))
          .compose(response -> response.body().map(payload -> toResponse(response, payload)))
          .onSuccess(onResponse::accept)
          .onFailure(onError::accept);
    }

    private Buffer frame(MessageWriter writer) throws IOException {
      ByteArrayOutputStream message =
          new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
      boolean compressed = config.getCompressor() != null;
      try (OutputStream out = compressed ? config.getCompressor().compress(message) : message) {
        writer.writeMessage(out);
      }
      byte[] bytes = message.toByteArray();
      return Buffer.buffer(5 + bytes.length)
          .appendByte((byte) (compressed ? 1 : 0))
          .appendInt(bytes.length)
          .appendBytes(bytes);
    }

    private static GrpcResponse toResponse(HttpClientResponse response, Buffer payload) {
      // Trailers-only answers carry grpc-status in the headers.
      MultiMap status =
          response.trailers().contains("grpc-status") ? response.trailers() : response.headers();
      String code = status.get("grpc-status");
      GrpcStatusCode statusCode =
          code == null
              ? (response.statusCode() == 200 ? GrpcStatusCode.UNKNOWN : GrpcStatusCode.UNAVAILABLE)
              : GrpcStatusCode.fromValue(Integer.parseInt(code.trim()));
      String description =
          status.get("grpc-message") != null
              ? status.get("grpc-message")
              : "HTTP " + response.statusCode();
      byte[] message = payload.length() > 5 ? payload.getBytes(5, payload.length()) : new byte[0];
      return new GrpcResponse() {
        @Override
        public GrpcStatusCode getStatusCode() {
          return statusCode;
        }

        @Override
        public String getStatusDescription() {
          return description;
        }

        @Override
        public byte[] getResponseMessage() {
          return message;
        }
      };
    }

    @Override
    public CompletableResultCode shutdown() {
      CompletableResultCode result = new CompletableResultCode();
      Future<Void> closed = client.close();
      closed.onComplete(ignored -> result.succeed());
      return result;
    }
  }
}
