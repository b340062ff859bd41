package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbound proxy: for each intercepted app port, a listener that streams requests to the app on
 * 127.0.0.1 over a keep-alive pool, piping bodies with backpressure both ways (nothing is buffered
 * whole). Each listener runs one instance per event loop ({@link InboundListenerVerticle}).
 */
public final class InboundProxy {
  private final Vertx vertx;
  private final String bindHost;
  private final List<ListenerPorts> ports;
  private final Tracing tracing;
  private final ProxyMetrics metrics;
  private final int instances;
  private final List<ListenerSettings> settings = new ArrayList<>();
  private final List<List<InboundListenerVerticle>> listeners = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();

  /**
   * @param instances listener instances per port, normally the number of event loops; ports given
   *     as 0 (tests) get one instance, since each instance would otherwise pick its own random port
   */
  public InboundProxy(
      Vertx vertx,
      String bindHost,
      List<ListenerPorts> ports,
      Tracing tracing,
      ProxyMetrics metrics,
      int instances) {
    this.vertx = vertx;
    this.bindHost = bindHost;
    this.ports = List.copyOf(ports);
    this.tracing = tracing;
    this.metrics = metrics;
    this.instances = Math.max(1, instances);
  }

  public InboundProxy(
      Vertx vertx,
      String bindHost,
      List<ListenerPorts> ports,
      Tracing tracing,
      ProxyMetrics metrics) {
    this(vertx, bindHost, ports, tracing, metrics, 1);
  }

  /** Starts every listener; fails if any port cannot be bound. */
  public Future<Void> start(ProxyConfig config) {
    Future<Void> all = Future.succeededFuture();
    for (ListenerPorts port : ports) {
      ListenerSettings listenerSettings = new ListenerSettings(config);
      settings.add(listenerSettings);
      int copies = port.listenPort() == 0 ? 1 : instances;
      int poolSize = Math.max(1, config.maxConnectionsPerPort() / copies);
      List<InboundListenerVerticle> copiesOfPort = new ArrayList<>();
      listeners.add(copiesOfPort);
      for (int i = 0; i < copies; i++) {
        InboundListenerVerticle verticle =
            new InboundListenerVerticle(
                port, listenerSettings, bindHost, poolSize, tracing, metrics);
        copiesOfPort.add(verticle);
        all =
            all.compose(v -> vertx.deployVerticle(verticle).onSuccess(deployments::add).mapEmpty());
      }
    }
    return all;
  }

  /**
   * Watches the TLS PEM files (a mounted Secret is swapped atomically by the kubelet on rotation)
   * and hands every listener the new pair when their content changes. Polling the bytes for the
   * same reason as the config file.
   */
  public void watchTls(ProxyConfig config, long intervalMillis) {
    if (config.tls() == null) {
      return;
    }
    String[] seen = {TlsFingerprint.of(config.tls())};
    vertx.setPeriodic(
        intervalMillis,
        id ->
            vertx
                .executeBlocking(() -> TlsFingerprint.of(config.tls()), false)
                .onSuccess(
                    now -> {
                      if (now.equals(seen[0])) {
                        return;
                      }
                      seen[0] = now;
                      Future.join(
                              listeners.stream()
                                  .flatMap(List::stream)
                                  .map(InboundListenerVerticle::reloadTls)
                                  .toList())
                          .onComplete(
                              done ->
                                  io.outrigger.sidecar.JsonLog.info(
                                      done.succeeded()
                                          ? "tls certificate reloaded"
                                          : "tls certificate reload failed",
                                      "certFile",
                                      config.tls().certFile(),
                                      "error",
                                      done.succeeded() ? "" : String.valueOf(done.cause())));
                    }));
  }

  /** Applies new proxy settings to every listener without touching open connections. */
  public void apply(ProxyConfig next) {
    settings.forEach(s -> s.apply(next));
  }

  /** The ports actually bound, in listener order (useful when 0 was asked for). */
  public List<Integer> boundPorts() {
    return listeners.stream().map(copies -> copies.get(0).actualPort()).toList();
  }

  /**
   * Keeps accepting for {@code acceptMillis} while every answer closes its connection (clients and
   * kube-proxy move on as the pod leaves the Service's endpoints, which takes a moment after
   * SIGTERM), then stops accepting and gives requests in flight up to {@code timeoutMillis} to
   * finish, then undeploys the listeners (closing their pools to the app).
   */
  public Future<Void> close(long acceptMillis, long timeoutMillis) {
    settings.forEach(ListenerSettings::startDraining);
    if (acceptMillis <= 0) {
      return close(timeoutMillis);
    }
    return vertx.timer(acceptMillis).compose(ignored -> close(timeoutMillis));
  }

  /**
   * Stops accepting new connections at once and gives requests in flight up to {@code
   * timeoutMillis} to finish, then undeploys the listeners (closing their pools to the app).
   */
  public Future<Void> close(long timeoutMillis) {
    List<Future<Void>> drained =
        listeners.stream().flatMap(List::stream).map(l -> l.shutdown(timeoutMillis)).toList();
    return Future.join(drained)
        .transform(ignored -> Future.join(deployments.stream().map(vertx::undeploy).toList()))
        .mapEmpty();
  }
}
