package io.outrigger.sidecar.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AppExitWatcherTest {
  @Test
  void theAppIsEveryProcessButPid1TheSidecarAndItsChildren() {
    assertThat(AppExitWatcher.otherProcesses(List.of(1L, 7L, 12L, 40L), 7, List.of(40L)))
        .containsExactly(12L);
    assertThat(AppExitWatcher.otherProcesses(List.of(1L, 7L), 7, List.of())).isEmpty();
  }

  @Test
  void shutsDownOnceTheAppsProcessesAreGoneAndOnlyAfterSeeingThem() throws Exception {
    Path proc = Files.createTempDirectory("proc");
    Files.createDirectory(proc.resolve("1"));
    Files.createDirectory(proc.resolve(Long.toString(ProcessHandle.current().pid())));
    Files.createDirectory(proc.resolve("self"));
    AtomicInteger shutdowns = new AtomicInteger();
    Vertx vertx = Vertx.vertx();
    try {
      AppExitWatcher watcher = new AppExitWatcher(vertx, proc, shutdowns::incrementAndGet);
      assertThat(watcher.check()).as("no app seen yet: keep waiting").isFalse();
      Path app = Files.createDirectory(proc.resolve("4242"));
      assertThat(watcher.check()).isFalse();
      Files.delete(app);
      assertThat(watcher.check()).isTrue();
      assertThat(shutdowns).hasValue(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
