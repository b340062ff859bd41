package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.concurrent.TimeUnit;

/**
 * One Vert.x listener on one event loop: the public listener of a TLS port, or, for a plain-text
 * port, the one on loopback that the fast path ({@link FastPathListener}) hands h2c and upgrades
 * to. It is deployed once per event loop: Vert.x spreads accepted connections over the instances,
 * and each instance owns its connection pool to the app, so a request and its upstream connection
 * live on the same thread and never hop between threads.
 */
final class InboundListenerVerticle extends VerticleBase {
  private final ListenerPorts port;
  private final ListenerSettings settings;
  private final String bindHost;
  private final int listenPort;
  private final boolean behindFastPath;
  private final int poolSize;
  private final Tracing tracing;
  private final ProxyMetrics metrics;
  private HttpServer server;

  InboundListenerVerticle(
      ListenerPorts port,
      ListenerSettings settings,
      String bindHost,
      int listenPort,
      boolean behindFastPath,
      int poolSize,
      Tracing tracing,
      ProxyMetrics metrics) {
    this.port = port;
    this.settings = settings;
    this.bindHost = bindHost;
    this.listenPort = listenPort;
    this.behindFastPath = behindFastPath;
    this.poolSize = poolSize;
    this.tracing = tracing;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var config = settings.config();
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) config.connectTimeout().toMillis()),
            new PoolOptions().setHttp1MaxSize(poolSize));
    ProxyHandler proxy =
        new ProxyHandler(port, settings, client, new ServerSpans(tracing), metrics);
    String name = port.name();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(bindHost)
            .setPort(listenPort)
            .setTcpNoDelay(true)
            .setMaxHeaderSize(config.maxHeaderBytes())
            .setMaxInitialLineLength(8192)
            .setHandle100ContinueAutomatically(true)
            .setIdleTimeout((int) config.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setHttp2ClearTextEnabled(true)
            // Behind the fast path every connection starts with the client's address (Handover).
            .setUseProxyProtocol(behindFastPath);
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(pem(config.tls()));
    }
    server = vertx.createHttpServer(options);
    if (!behindFastPath) { // else the fast path counted the connection already
      server.connectionHandler(
          connection -> {
            metrics.connectionOpened(name);
            connection.closeHandler(v -> metrics.connectionClosed(name));
          });
    }
    server.requestHandler(proxy);
    return server.listen();
  }

  /**
   * Re-reads the PEM files (same paths, new content: a rotated Secret). Connections already open
   * keep their session; new handshakes get the new certificate.
   */
  Future<Boolean> reloadTls() {
    var tls = settings.config().tls();
    return tls == null
        ? Future.succeededFuture(false)
        : server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem(tls)), true);
  }

  private static PemKeyCertOptions pem(SidecarConfig.TlsConfig tls) {
    return new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile());
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Stops accepting; connections already open carry on until they finish or the drain deadline. */
  Future<Void> shutdown(long timeoutMillis) {
    return server.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
  }
}
