package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
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

  /** Per port, its fast path, or null for a TLS port (served by Vert.x alone). */
  private final List<FastPathListener> fastPaths = new ArrayList<>();

  private static final String LOOPBACK = "127.0.0.1";

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
      int poolSize = Math.max(1, config.maxConnectionsPerPort() / instances);
      List<InboundListenerVerticle> copiesOfPort = new ArrayList<>();
      listeners.add(copiesOfPort);
      // A TLS port: the Vert.x listener alone, one copy per event loop sharing the port (a port
      // given as 0 gets one copy). Plain text: the fast path listens, and the Vert.x listener
      // behind it serves what the fast path hands over, one copy per event loop, each on a
      // loopback port of its own: picked here, since Vert.x makes a copy asked for port 0 bind
      // the first copy's port again.
      boolean tls = config.tls() != null;
      int copies = tls && port.listenPort() == 0 ? 1 : instances;
      for (int i = 0; i < copies; i++) {
        all =
            all.compose(
                v ->
                    deploy(
                        copiesOfPort,
                        port,
                        listenerSettings,
                        tls ? bindHost : LOOPBACK,
                        tls ? port.listenPort() : freeLoopbackPort(),
                        !tls,
                        poolSize));
      }
      int index = fastPaths.size();
      fastPaths.add(null);
      if (tls) {
        continue;
      }
      all =
          all.compose(
              v -> {
                FastPathListener fast =
                    new FastPathListener(
                        (VertxInternal) vertx,
                        port,
                        listenerSettings,
                        bindHost,
                        poolSize,
                        new ServerSpans(tracing),
                        metrics,
                        copiesOfPort.stream()
                            .map(copy -> new InetSocketAddress(LOOPBACK, copy.actualPort()))
                            .toList());
                fastPaths.set(index, fast);
                return fast.start();
              });
    }
    return all;
  }

  private static int freeLoopbackPort() {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free loopback port for the inbound listener", e);
    }
  }

  private Future<Void> deploy(
      List<InboundListenerVerticle> copiesOfPort,
      ListenerPorts port,
      ListenerSettings listenerSettings,
      String host,
      int listenPort,
      boolean behindFastPath,
      int poolSize) {
    InboundListenerVerticle verticle =
        new InboundListenerVerticle(
            port, listenerSettings, host, listenPort, behindFastPath, poolSize, tracing, metrics);
    copiesOfPort.add(verticle);
    return vertx.deployVerticle(verticle).onSuccess(deployments::add).mapEmpty();
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
    List<Integer> bound = new ArrayList<>();
    for (int i = 0; i < listeners.size(); i++) {
      FastPathListener fast = fastPaths.get(i);
      bound.add(fast != null ? fast.actualPort() : listeners.get(i).get(0).actualPort());
    }
    return bound;
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
    List<Future<Void>> drained = new ArrayList<>();
    fastPaths.stream()
        .filter(java.util.Objects::nonNull)
        .forEach(fast -> drained.add(fast.shutdown(timeoutMillis)));
    listeners.stream().flatMap(List::stream).forEach(l -> drained.add(l.shutdown(timeoutMillis)));
    return Future.join(drained)
        .transform(ignored -> Future.join(deployments.stream().map(vertx::undeploy).toList()))
        .mapEmpty();
  }
}
