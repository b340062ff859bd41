package io.outrigger.sidecar.lifecycle;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * For Jobs on clusters without native sidecars: the pod finishes only when every container has
 * exited, so the sidecar must exit once the app has. With the pod's process namespace shared (the
 * webhook sets {@code shareProcessNamespace} for such pods) the sidecar sees the app's processes in
 * /proc; when it has seen them and they are all gone, it shuts down gracefully and exits 0.
 */
public final class AppExitWatcher implements Component {
  private final Vertx vertx;
  private final Path proc;
  private final long selfPid;
  private final Runnable onAppExited;
  private boolean sawApp;
  private boolean warned;
  private long timer = -1;

  public AppExitWatcher(Vertx vertx, Path proc, Runnable onAppExited) {
    this.vertx = vertx;
    this.proc = proc;
    this.selfPid = ProcessHandle.current().pid();
    this.onAppExited = onAppExited;
  }

  /**
   * The watcher when the webhook asked for one ({@code OUTRIGGER_WAIT_FOR_APP_EXIT}: Jobs without
   * native sidecars), else none.
   */
  public static Component fromEnvironment(SidecarContext context, Runnable onAppExited) {
    return "true".equalsIgnoreCase(context.env().get(SidecarEnvironment.WAIT_FOR_APP_EXIT))
        ? new AppExitWatcher(context.vertx(), Path.of("/proc"), onAppExited)
        : Component.none();
  }

  /** Starts watching; it has no settings. */
  @Override
  public Future<Void> start(SidecarConfig first) {
    start(2000);
    return Future.succeededFuture();
  }

  public void start(long intervalMillis) {
    timer = vertx.setPeriodic(intervalMillis, id -> vertx.executeBlocking(this::check, false));
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  /** One look at /proc: true when the app has exited (and the callback ran). */
  public synchronized boolean check() {
    List<Long> others = otherProcesses(pids(), selfPid, descendants());
    if (!others.isEmpty()) {
      sawApp = true;
      return false;
    }
    if (!sawApp) {
      if (!warned) {
        warned = true;
        JsonLog.warn(
            "waiting for the app to exit, but no app process is visible: the pod needs shareProcessNamespace: true");
      }
      return false;
    }
    JsonLog.info("the app's containers have exited; shutting down");
    stop();
    onAppExited.run();
    return true;
  }

  /**
   * Processes that belong to the app: all visible ones except PID 1 (the pod's pause process when
   * the namespace is shared), this sidecar and its own children.
   */
  static List<Long> otherProcesses(List<Long> pids, long self, List<Long> ownChildren) {
    return pids.stream()
        .filter(pid -> pid != 1 && pid != self && !ownChildren.contains(pid))
        .toList();
  }

  private List<Long> pids() {
    try (Stream<Path> entries = Files.list(proc)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private List<Long> descendants() {
    return ProcessHandle.current().descendants().map(ProcessHandle::pid).toList();
  }
}
