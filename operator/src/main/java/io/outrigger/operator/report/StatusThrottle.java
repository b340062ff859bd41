package io.outrigger.operator.report;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns sidecar reports into reconciles of their policy, at most one per policy per {@code
 * interval}: 5,000 sidecars heart-beating must not become 5,000 status writes. Reports arriving
 * within an interval are coalesced into one reconcile at its end. Also sweeps expired reports, so a
 * pod that stopped reporting leaves the status, and forgets policies whose last reconcile is more
 * than an interval ago (they would be let through at once anyway), so deleted policies do not stay.
 */
public final class StatusThrottle implements ReportIntake.Listener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StatusThrottle.class.getName());

  private final SimpleInboundEventSource<ObservabilityPolicy> events =
      new SimpleInboundEventSource<>("sidecar-reports");
  private final Map<ResourceID, Instant> lastFired = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "outrigger-status-throttle");
            thread.setDaemon(true);
            return thread;
          });
  private final Duration interval;
  private final InstantSource clock;

  public StatusThrottle(ReportStore store, Duration interval, InstantSource clock) {
    this.interval = interval;
    this.clock = clock;
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          store
              .expire()
              .forEach(
                  key -> {
                    String[] parts = key.split("/", 2);
                    reported(parts[0], parts[1]);
                  });
          forgetQuiet();
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
  }

  /** Drops the policies {@link #delay} would let through at once: nothing is known of them. */
  void forgetQuiet() {
    Instant now = clock.instant();
    lastFired
        .entrySet()
        .removeIf(
            e ->
                delay(Optional.of(e.getValue()), now, interval).isZero()
                    && !pending.containsKey(e.getKey()));
  }

  /** Policies this throttle holds anything about. */
  int tracked() {
    return lastFired.size() + pending.size();
  }

  /** The JOSDK event source the reconciler registers; it triggers the throttled reconciles. */
  public SimpleInboundEventSource<ObservabilityPolicy> eventSource() {
    return events;
  }

  @Override
  public void reported(String namespace, String policy) {
    ResourceID id = new ResourceID(policy, namespace);
    if (pending.putIfAbsent(id, Boolean.TRUE) != null) {
      return; // already due: this report rides along
    }
    Duration delay = delay(Optional.ofNullable(lastFired.get(id)), clock.instant(), interval);
    scheduler.schedule(() -> fire(id), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How long until a policy last triggered at {@code last} may trigger again. */
  static Duration delay(Optional<Instant> last, Instant now, Duration interval) {
    if (last.isEmpty()) {
      return Duration.ZERO;
    }
    Duration wait = Duration.between(now, last.get().plus(interval));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private void fire(ResourceID id) {
    pending.remove(id);
    lastFired.put(id, clock.instant());
    try {
      events.propagateEvent(id);
    } catch (RuntimeException e) {
      // Not the leader (the controller is not started): the leader reconciles from its own
      // reports; nothing to do here.
      LOG.log(Level.FINE, "report event not delivered: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
