package io.outrigger.sidecar.logs.tail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outrigger.config.LogFormat;
import io.outrigger.config.ReadFrom;
import io.outrigger.config.SidecarConfig.MultilineConfig;
import io.outrigger.config.SidecarConfig.ParserConfig;
import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import io.outrigger.sidecar.logs.BufferedRecord;
import io.outrigger.sidecar.logs.LineProcessor;
import io.outrigger.sidecar.logs.LogBuffer;
import io.outrigger.sidecar.logs.LogEnrichment;
import io.outrigger.sidecar.logs.LogMetrics;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link LogTailer} on a temporary directory with a consumer standing in for the outputs: it
 * takes batches from the buffer, keeps the bodies and acknowledges them (when told to), so the
 * tailer's own logic (rotation, checkpoints, backpressure) is what is under test.
 */
final class TailerHarness implements AutoCloseable {
  final Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final LogMetrics metrics = new LogMetrics(registry);
  final LogBuffer buffer;
  final LogTailer tailer;
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  volatile boolean consuming = true;
  private volatile boolean closed;
  private final Thread consumer;

  TailerHarness(
      Path dir,
      List<String> patterns,
      ReadFrom readFrom,
      MultilineConfig multiline,
      int bufferLines,
      int maxLineBytes) {
    this.dir = dir;
    this.buffer = new LogBuffer(bufferLines, 1 << 20);
    LineProcessor processor =
        new LineProcessor(
            LineParser.from(new ParserConfig(LogFormat.PLAIN, null, null, null, null)),
            new TraceContextExtractor(TraceCorrelationConfig.defaults()),
            new LogEnrichment(Map.of()));
    this.tailer =
        new LogTailer(
            new LogTailer.Settings(dir, patterns, readFrom, maxLineBytes, multiline, processor),
            buffer,
            new CheckpointStore(dir.resolve(".outrigger/checkpoints.json")),
            metrics);
    tailer.rotateWait(Duration.ofMillis(1500));
    consumer = new Thread(this::consume, "test-consumer");
    consumer.setDaemon(true);
  }

  static TailerHarness start(Path dir, List<String> patterns) {
    return start(dir, patterns, ReadFrom.BEGINNING, null, 1000, 65_536);
  }

  static TailerHarness start(
      Path dir,
      List<String> patterns,
      ReadFrom readFrom,
      MultilineConfig multiline,
      int bufferLines,
      int maxLineBytes) {
    TailerHarness h =
        new TailerHarness(dir, patterns, readFrom, multiline, bufferLines, maxLineBytes);
    h.tailer.start();
    h.consumer.start();
    return h;
  }

  /** Started with the consumer paused (set {@link #consuming} to let it take batches). */
  static TailerHarness startPaused(Path dir, List<String> patterns, int bufferLines) {
    TailerHarness h =
        new TailerHarness(dir, patterns, ReadFrom.BEGINNING, null, bufferLines, 65_536);
    h.consuming = false;
    h.tailer.start();
    h.consumer.start();
    return h;
  }

  private void consume() {
    while (!closed) {
      if (!consuming) {
        sleep(20);
        continue;
      }
      List<BufferedRecord> batch = buffer.take(100, 1 << 20);
      if (batch.isEmpty()) {
        sleep(5);
        continue;
      }
      for (BufferedRecord r : batch) {
        bodies.add(r.record().unpack().body());
        counts
            .computeIfAbsent(r.record().unpack().body(), k -> new AtomicInteger())
            .incrementAndGet();
        r.origin().acknowledged(r.endOffset());
      }
    }
  }

  List<String> duplicates() {
    return counts.entrySet().stream()
        .filter(e -> e.getValue().get() > 1)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  double counter(String name) {
    var c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  double problems(String reason) {
    var c = registry.find("outrigger.log.file.problems").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  /** Stops like the sidecar does: reading ends, everything taken is acknowledged, checkpoint. */
  void stopGracefully() {
    tailer.stop(Duration.ofSeconds(5));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (buffer.size() > 0 && System.nanoTime() < deadline) {
      sleep(10);
    }
    sleep(50);
    closed = true;
    join();
    tailer.saveCheckpoint();
  }

  @Override
  public void close() {
    closed = true;
    tailer.stop(Duration.ofMillis(200));
    join();
  }

  private void join() {
    try {
      consumer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
