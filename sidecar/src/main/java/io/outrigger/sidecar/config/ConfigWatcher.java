package io.outrigger.sidecar.config;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.JsonLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Watches the config file and applies changes. It polls the file's bytes instead of relying on file
 * events: a ConfigMap update is an atomic swap of kubelet's {@code ..data} symlink, which
 * event-based watchers miss or see twice, while a read through the path always sees the current
 * content. One small read per second is the cost.
 *
 * <p>A file that does not parse or validate is rejected with file, field and reason; the running
 * config stays and the error shows in {@code /status} until a good file arrives.
 */
public final class ConfigWatcher {
  private final Vertx vertx;
  private final ConfigSource source;
  private final AtomicReference<ConfigState> state;
  private final Function<SidecarConfig, Future<Void>> apply;
  private long timer = -1;

  public ConfigWatcher(
      Vertx vertx,
      ConfigSource source,
      AtomicReference<ConfigState> state,
      Function<SidecarConfig, Future<Void>> apply) {
    this.vertx = vertx;
    this.source = source;
    this.state = state;
    this.apply = apply;
  }

  public void start(Duration interval) {
    if (source.file() == null) {
      return;
    }
    timer = vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(this::check, false));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One check: returns what happened, for tests and logs. Runs on a worker thread (file I/O). */
  public synchronized String check() {
    ConfigState current = state.get();
    String fingerprint;
    try {
      fingerprint = source.currentFingerprint();
    } catch (InvalidConfigException e) {
      return reject(current, "unreadable", e);
    }
    if (fingerprint.equals(current.fingerprint())) {
      return "unchanged";
    }
    ConfigSource.Loaded loaded;
    try {
      loaded = source.load();
    } catch (InvalidConfigException e) {
      return reject(current, fingerprint, e);
    }
    ReloadPlan plan = ReloadPlan.between(current.running(), loaded.config());
    SidecarConfig effective = ReloadPlan.effective(current.running(), loaded.config());
    try {
      apply.apply(effective).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      JsonLog.warn("a component did not take the new config", "error", String.valueOf(e));
    }
    state.set(current.reloaded(effective, loaded, plan.restartRequired()));
    JsonLog.info(
        "config reloaded",
        "file",
        source.describe(),
        "appliedLive",
        String.join(",", plan.live()),
        "restartRequired",
        String.join(",", plan.restartRequired()));
    return plan.restartRequired().isEmpty() ? "applied" : "applied, restart required";
  }

  private String reject(ConfigState current, String fingerprint, InvalidConfigException e) {
    if (!e.getMessage().equals(current.lastError())) {
      JsonLog.warn("config rejected; the running config stays", "error", e.getMessage());
    }
    state.set(current.rejected(fingerprint, e.getMessage()));
    return "rejected";
  }
}
