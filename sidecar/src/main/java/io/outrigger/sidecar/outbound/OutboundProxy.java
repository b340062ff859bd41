package io.outrigger.sidecar.outbound;

import io.micrometer.core.instrument.Gauge;
import io.outrigger.config.SidecarConfig.OutboundConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The outbound (ambassador) proxy on 127.0.0.1:15001 for the app's calls out: an explicit HTTP
 * proxy ({@code HTTP_PROXY}, CONNECT) and the target of iptables' outbound capture. See
 * docs/sidecar-proxy.md "Outbound" and docs/adr/0005.
 */
public final class OutboundProxy {
  /** Marks a handed-over connection that iptables did not redirect. */
  static final SocketAddress NOT_REDIRECTED = SocketAddress.inetSocketAddress(0, "0.0.0.0");

  /** Distinct destination labels before the rest share {@code _other}. */
  static final int MAX_DESTINATION_LABELS = 100;

  private final Vertx vertx;
  private final Tracing tracing;
  private final ProxyMetrics red;
  private final TrustOptions destinationTrust;
  private final Map<Integer, SocketAddress> hops = new ConcurrentHashMap<>();
  private volatile BearerToken token;
  private volatile String tokenFile;
  private Destinations destinations;
  private NetServer front;
  private HttpServer http;
  private HttpClient client;
  private NetClient tunnels;

  public OutboundProxy(Vertx vertx, Tracing tracing, ProxyMetrics red) {
    this(vertx, tracing, red, null);
  }

  /**
   * @param destinationTrust the CAs HTTPS destinations must be signed by; null: the JDK's (tests
   *     pass their own CA)
   */
  OutboundProxy(Vertx vertx, Tracing tracing, ProxyMetrics red, TrustOptions destinationTrust) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.red = red;
    this.destinationTrust = destinationTrust;
  }

  /** Binds {@code host:port} (port 0: any free one) and returns the bound port. */
  public Future<Integer> start(
      String host, int port, OutboundConfig config, Duration connectTimeout) {
    destinations = new Destinations(config, System::nanoTime);
    applyToken(config);
    OutboundMetrics metrics =
        new OutboundMetrics(red, new DestinationLabels(MAX_DESTINATION_LABELS), port);
    Gauge.builder("outrigger.outbound.open.circuits", destinations, Destinations::open)
        .description("Destinations whose circuit breaker is open")
        .register(red.registry());
    Promise<Integer> bound = Promise.promise();
    // One verticle, one event loop: the app's request, the destination's response and the pipes
    // between them all run on the same thread, so no event (a response's end) can happen on
    // another loop before its handler is attached. Outbound calls are not the hot path.
    return vertx
        .deployVerticle(
            new VerticleBase() {
              @Override
              public Future<?> start() {
                return listen(host, port, connectTimeout, metrics).onComplete(bound);
              }
            })
        .compose(id -> bound.future());
  }

  private Future<Integer> listen(
      String host, int port, Duration connectTimeout, OutboundMetrics metrics) {
    // HTTPS destinations are authenticated (certificate chain and host name): it is what lets the
    // bearer token go to a destination by name.
    HttpClientOptions clientOptions =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setVerifyHost(true)
            .setConnectTimeout((int) connectTimeout.toMillis());
    if (destinationTrust != null) {
      clientOptions.setTrustOptions(destinationTrust);
    }
    client = vertx.createHttpClient(clientOptions, new PoolOptions().setHttp1MaxSize(32));
    tunnels =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setTcpNoDelay(true));
    OutboundHandler handler =
        new OutboundHandler(
            client,
            tunnels,
            tracing,
            metrics,
            destinations,
            hops,
            () -> token,
            () -> connectTimeout);
    http =
        vertx
            .createHttpServer(
                new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
            .requestHandler(handler);
    return http.listen()
        .compose(
            internal -> {
              OutboundListener listener =
                  new OutboundListener(vertx, tunnels, metrics, hops, internal.actualPort());
              front =
                  vertx
                      .createNetServer(
                          new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true))
                      .connectHandler(listener::accept);
              return front.listen();
            })
        .map(NetServer::actualPort);
  }

  /** Live changes: timeouts, retries, budget, breaker settings, the token file. */
  public void apply(OutboundConfig next) {
    if (destinations != null) {
      destinations.apply(next);
    }
    applyToken(next);
  }

  private void applyToken(OutboundConfig config) {
    String file = config.bearerTokenFile();
    if (file == null || file.isBlank()) {
      token = null;
      tokenFile = null;
    } else if (!file.equals(tokenFile)) {
      token = new BearerToken(Path.of(file), System::nanoTime);
      tokenFile = file;
    }
    if (token != null && config.bearerTokenDestinations().isEmpty()) {
      JsonLog.warn(
          "proxy.outbound.bearerTokenFile is set but bearerTokenDestinations names no"
              + " destination, so the token is sent to none",
          "bearerTokenFile",
          file);
    }
  }

  public int port() {
    return front == null ? -1 : front.actualPort();
  }

  /** Stops accepting; open tunnels and requests end with the process. */
  public Future<Void> stop() {
    Future<Void> f = front == null ? Future.succeededFuture() : front.close();
    return f.compose(v -> http == null ? Future.succeededFuture() : http.close());
  }
}
