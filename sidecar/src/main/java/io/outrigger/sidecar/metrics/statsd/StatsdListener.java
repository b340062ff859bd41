package io.outrigger.sidecar.metrics.statsd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.charset.StandardCharsets;

/**
 * The StatsD UDP listener: every datagram goes to the aggregator, whose series join the merged
 * /metrics.
 */
public final class StatsdListener {
  private final Vertx vertx;
  private final StatsdAggregator aggregator;
  private volatile DatagramSocket socket;

  public StatsdListener(Vertx vertx, StatsdAggregator aggregator) {
    this.vertx = vertx;
    this.aggregator = aggregator;
  }

  public Future<DatagramSocket> start(String host, int port) {
    DatagramSocket created = vertx.createDatagramSocket();
    created.handler(packet -> aggregator.accept(packet.data().toString(StandardCharsets.UTF_8)));
    return created.listen(port, host).onSuccess(s -> socket = s);
  }

  public int port() {
    return socket.localAddress().port();
  }

  public Future<Void> close() {
    DatagramSocket open = socket;
    socket = null;
    return open == null ? Future.succeededFuture() : open.close();
  }
}
