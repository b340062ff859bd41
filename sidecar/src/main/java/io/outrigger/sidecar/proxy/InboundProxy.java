package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The inbound proxy: one HTTP server per intercepted app port, each streaming requests to the app
 * on 127.0.0.1 over a keep-alive pool (vertx-http-proxy pipes bodies with backpressure both ways;
 * nothing is buffered whole).
 *
 * <p>Interceptors, outermost first: metrics, rate limit, forwarding headers, tracing, upstream
 * errors.
 */
public final class InboundProxy {
  private final Vertx vertx;
  private final String bindHost;
  private final List<ListenerPorts> ports;
  private final Tracing tracing;
  private final ProxyMetrics metrics;
  private final List<ListenerSettings> settings = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<HttpClient> clients = new ArrayList<>();

  public InboundProxy(
      Vertx vertx,
      String bindHost,
      List<ListenerPorts> ports,
      Tracing tracing,
      ProxyMetrics metrics) {
    this.vertx = vertx;
    this.bindHost = bindHost;
    this.ports = List.copyOf(ports);
    this.tracing = tracing;
    this.metrics = metrics;
  }

  /** Starts every listener; fails if any port cannot be bound. */
  public Future<Void> start(ProxyConfig config) {
    List<Future<HttpServer>> started = new ArrayList<>();
    for (ListenerPorts port : ports) {
      ListenerSettings listenerSettings = new ListenerSettings(config);
      settings.add(listenerSettings);
      started.add(startListener(port, listenerSettings, config));
    }
    return Future.all(started).mapEmpty();
  }

  /** Applies new proxy settings to every listener without touching open connections. */
  public void apply(ProxyConfig next) {
    settings.forEach(s -> s.apply(next));
  }

  /** The ports actually bound, in listener order (useful when 0 was asked for). */
  public List<Integer> boundPorts() {
    return servers.stream().map(HttpServer::actualPort).toList();
  }

  /** Stops accepting new connections; requests in flight on open connections carry on. */
  public Future<Void> stopAccepting() {
    return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
  }

  /** Waits up to {@code timeoutMillis} for in-flight requests, then closes the pools to the app. */
  public Future<Void> close(long timeoutMillis) {
    return Future.all(
            servers.stream().map(s -> s.shutdown(timeoutMillis, TimeUnit.MILLISECONDS)).toList())
        .compose(v -> Future.all(clients.stream().map(HttpClient::close).toList()))
        .mapEmpty();
  }

  private Future<HttpServer> startListener(
      ListenerPorts port, ListenerSettings listenerSettings, ProxyConfig config) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) config.connectTimeout().toMillis()),
            new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerPort()));
    clients.add(client);
    SocketAddress app = SocketAddress.inetSocketAddress(port.appPort(), "127.0.0.1");
    HttpProxy proxy =
        HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
            .origin(
                ctx ->
                    ctx.client()
                        .request(
                            new RequestOptions()
                                .setServer(app)
                                .setConnectTimeout(
                                    listenerSettings.config().connectTimeout().toMillis())
                                .setIdleTimeout(
                                    listenerSettings.config().requestTimeout().toMillis())));
    String name = port.name();
    proxy.addInterceptor(new RequestMetricsInterceptor(name, listenerSettings, metrics), true);
    proxy.addInterceptor(new RateLimitInterceptor(listenerSettings), true);
    proxy.addInterceptor(new ForwardingHeadersInterceptor(), true);
    proxy.addInterceptor(new TracingInterceptor(tracing), true);
    proxy.addInterceptor(
        new UpstreamErrorInterceptor(name, port.appPort(), listenerSettings, metrics), true);

    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(bindHost)
                .setPort(port.listenPort())
                .setTcpNoDelay(true)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxInitialLineLength(8192)
                .setHandle100ContinueAutomatically(true)
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(true));
    server.connectionHandler(
        connection -> {
          metrics.connectionOpened(name);
          connection.closeHandler(v -> metrics.connectionClosed(name));
        });
    server.requestHandler(proxy);
    return server.listen().onSuccess(servers::add);
  }
}
