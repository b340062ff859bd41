package io.outrigger.sidecar.logs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig.LogOutputsConfig;
import io.outrigger.config.SidecarConfig.LogsConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.logs.tail.CheckpointStore;
import io.outrigger.sidecar.logs.tail.LogTailer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar's log component: tailer → bounded buffer → outputs, with checkpoints that move only
 * after every output acknowledged. Started when {@code logs.enabled}; parsing, enrichment,
 * multiline, patterns and outputs change live; the directory, line cap and buffer size need a
 * restart.
 */
public final class LogPipeline {
  /**
   * Estimated heap the buffered records take at most, whatever {@code bufferLines} says: a pod's
   * sidecar runs with a heap of tens of MiB.
   */
  static final long BUFFER_BYTES = 8L * 1024 * 1024;

  /** A batch unacknowledged for longer makes the component degraded in {@code /status}. */
  static final Duration STALLED_AFTER = Duration.ofSeconds(10);

  /** Makes the outputs a config asks for. */
  public interface OutputFactory {
    List<LogOutput> create(LogOutputsConfig config);
  }

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final PodIdentity pod;
  private final String container;
  private final OutputFactory outputFactory;
  private volatile LogsConfig running;
  private volatile LogTailer tailer;
  private volatile LogSender sender;
  private volatile LogBuffer buffer;
  private volatile String configError;

  public LogPipeline(
      Vertx vertx,
      MeterRegistry registry,
      PodIdentity pod,
      String container,
      OutputFactory outputFactory) {
    this.vertx = vertx;
    this.registry = registry;
    this.pod = pod;
    this.container = container;
    this.outputFactory = outputFactory;
  }

  /**
   * Where the checkpoint of a log directory lives: in the same volume, out of the patterns' way.
   */
  public static Path checkpointFile(String directory) {
    return Path.of(directory, ".outrigger", "checkpoints.json");
  }

  /** Starts tailing; fails with {@link InvalidConfigException} when the settings are invalid. */
  public void start(LogsConfig config) {
    LogTailer.Settings settings = settings(config);
    List<LogOutput> outputs = outputFactory.create(config.outputs());
    if (outputs.isEmpty()) {
      // Acknowledging lines that go nowhere would move the checkpoints past them.
      throw new InvalidConfigException("logs.outputs", "logs are enabled but no output is set");
    }
    LogMetrics metrics = new LogMetrics(registry);
    this.buffer = new LogBuffer(config.bufferLines(), BUFFER_BYTES);
    this.sender = new LogSender(vertx, buffer, metrics, outputs);
    this.tailer =
        new LogTailer(
            settings, buffer, new CheckpointStore(checkpointFile(config.directory())), metrics);
    LogTailer started = tailer;
    metrics.bind(buffer, started::watchedFiles);
    this.running = config;
    tailer.start();
    JsonLog.info(
        "log tailing started",
        "directory",
        config.directory(),
        "paths",
        String.join(",", config.paths()),
        "outputs",
        String.join(",", outputs.stream().map(LogOutput::name).toList()));
  }

  /** Applies what changes live; invalid settings keep the running ones and show in the status. */
  public void apply(LogsConfig next) {
    LogsConfig current = running;
    if (tailer == null || current == null) {
      return;
    }
    try {
      tailer.apply(settings(next));
      configError = null;
    } catch (InvalidConfigException e) {
      configError = e.getMessage();
      JsonLog.warn("log settings rejected; the running ones stay", "error", e.getMessage());
      return;
    }
    if (!Objects.equals(current.outputs(), next.outputs())) {
      List<LogOutput> outputs = outputFactory.create(next.outputs());
      if (outputs.isEmpty()) {
        configError = "logs.outputs: no output is set; the running outputs stay";
        JsonLog.warn("log settings rejected; the running ones stay", "error", configError);
        return;
      }
      List<LogOutput> previous = sender.replaceOutputs(outputs);
      previous.forEach(LogOutput::close);
    }
    running = next;
  }

  /**
   * Stops without losing lines: reading stops, pending multiline records and the buffer are
   * delivered (for up to {@code timeout}), the final checkpoint is written, outputs close. What was
   * not acknowledged by then is read again at the next start.
   */
  public void stop(Duration timeout) {
    if (tailer == null) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    tailer.stop(timeout.dividedBy(2));
    long left = Math.max(0, deadline - System.nanoTime());
    try {
      sender.drained().toCompletionStage().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      JsonLog.warn(
          "log outputs did not acknowledge everything before shutdown; the rest is sent after the"
              + " restart",
          "bufferedRecords",
          buffer.size());
    }
    sender.close();
    tailer.saveCheckpoint();
    for (LogOutput output : sender.outputs()) {
      try {
        output.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Closing is best effort; everything acknowledged is in the checkpoint.
      }
    }
    JsonLog.info("log tailing stopped");
  }

  /** The component's part of {@code /status}. */
  public ObjectNode status(boolean enabled) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (!enabled || tailer == null) {
      node.put("state", enabled ? "starting" : "disabled");
      return node;
    }
    // A tailing error (an unreadable checkpoint, a failed read) degrades the component for a
    // minute;
    // it stays visible as lastTailingError.
    String error = configError != null ? configError : tailer.recentError(Duration.ofMinutes(1));
    if (error == null) {
      error = sender.lastError();
    }
    Duration waiting = sender.waitingForAck();
    if (error == null && waiting.compareTo(STALLED_AFTER) > 0) {
      // The outputs retry on their own without failing the batch: a long wait is how a receiver
      // that is down shows here.
      error = "the outputs have not acknowledged a batch for " + waiting.toSeconds() + " s";
    }
    node.put("state", error == null ? "ready" : "degraded");
    node.putObject("buffer").put("records", buffer.size()).put("capacity", buffer.capacity());
    node.put("waitingForAckMillis", waiting.toMillis());
    var outputs = node.putArray("outputs");
    sender.outputs().forEach(o -> outputs.add(o.name()));
    var files = node.putArray("files");
    for (LogTailer.FileStatus f : tailer.status()) {
      files
          .addObject()
          .put("path", f.path())
          .put("state", f.state())
          .put("readOffset", f.readOffset())
          .put("acknowledgedOffset", f.acknowledgedOffset())
          .put("size", f.size());
    }
    if (error != null) {
      node.put("lastError", error);
    }
    if (tailer.lastError() != null) {
      node.put("lastTailingError", tailer.lastError());
    }
    return node;
  }

  private LogTailer.Settings settings(LogsConfig config) {
    LogEnrichment enrichment =
        LogEnrichment.of(pod, container, config.podLabels(), config.recordLayout());
    LineProcessor processor = LineProcessor.from(config, enrichment);
    if (config.multiline() != null) {
      // Validates the patterns now rather than at the first line.
      new io.outrigger.sidecar.logs.parse.MultilineJoiner(config.multiline(), 1);
    }
    return new LogTailer.Settings(
        Path.of(config.directory()),
        config.paths(),
        config.readFrom(),
        config.maxLineBytes(),
        config.multiline(),
        processor);
  }
}
