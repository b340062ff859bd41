package io.outrigger.sidecar.component;

import io.outrigger.config.SidecarConfig;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * One concern of the sidecar (the inbound proxy, tracing, the app's metrics, ...) with the one
 * lifecycle they all share. The sidecar lists its components in order: the first config starts them
 * in that order ({@link #start}), a reload applies the new config to each in that order ({@link
 * #apply}), and shutdown drains them all, then stops them in reverse order.
 *
 * <p>A component never decides what may change while it runs: the config it is given has the
 * restart-only fields at their running values already ({@code ReloadPlan}).
 */
public interface Component {
  /**
   * Starts with the first config (binding ports, starting timers): applying a config to a component
   * that has none. Fails with {@link io.outrigger.config.InvalidConfigException} when the config is
   * one the component cannot use.
   */
  default Future<Void> start(SidecarConfig first) {
    return apply(first);
  }

  /** Applies a reloaded config; a component with nothing that changes live keeps the default. */
  default Future<Void> apply(SidecarConfig next) {
    return Future.succeededFuture();
  }

  /**
   * Stops taking new work and lets work in flight finish within {@code timeout}, while the other
   * components keep running (the inbound proxy's drain). May first keep taking work for up to
   * {@code timeout} (the inbound proxy in a pod, while the pod leaves its Services).
   */
  default Future<Void> drain(Duration timeout) {
    return Future.succeededFuture();
  }

  /**
   * Stops: flushes what it holds and releases its ports. Called from the shutdown thread, never an
   * event loop, so it may block for a bounded time.
   */
  Future<Void> stop();

  /** Adds this component's part to {@code /status}. */
  default void status(StatusParts status) {}

  /** A concern this pod does not have (no operator to report to, no app exit to watch). */
  static Component none() {
    return new Component() {
      @Override
      public Future<Void> stop() {
        return Future.succeededFuture();
      }
    };
  }
}
