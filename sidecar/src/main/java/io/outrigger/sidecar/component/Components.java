package io.outrigger.sidecar.component;

import io.outrigger.config.SidecarConfig;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The sidecar's components in start order, and the order rules of their one lifecycle: configs are
 * applied first to last, all drain before any stops, and they stop last to first.
 */
public final class Components {
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);

  private final List<Component> inOrder;
  private boolean started;

  public Components(Component... inOrder) {
    this.inOrder = List.of(inOrder);
  }

  /**
   * Applies {@code config} to each component in turn, starting them with the first one; the first
   * failure ends it.
   */
  public synchronized Future<Void> apply(SidecarConfig config) {
    boolean first = !started;
    started = true;
    Future<Void> all = Future.succeededFuture();
    for (Component component : inOrder) {
      all = all.compose(v -> first ? component.start(config) : component.apply(config));
    }
    return all;
  }

  /** Drains every component (up to {@code drain} each), then stops them in reverse order. */
  public void drainAndStop(Duration drain) {
    Duration drainWait = drain.multipliedBy(2).plusSeconds(2);
    inOrder.forEach(c -> Bounded.await("drain did not finish cleanly", c.drain(drain), drainWait));
    for (int i = inOrder.size() - 1; i >= 0; i--) {
      Bounded.await("a component did not stop cleanly", inOrder.get(i).stop(), STOP_WAIT);
    }
  }

  /** Each component's part of {@code /status}, in order. */
  public void status(StatusParts parts) {
    inOrder.forEach(component -> component.status(parts));
  }
}
