package io.outrigger.sidecar.logs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The log pipeline's meters, {@code outrigger_log_*} in the sidecar's registry. The per-file lag
 * keeps its {@code file} label bounded: the {@value #MAX_FILE_LABELS} files furthest behind get one
 * each, the rest are summed under {@code file="_other"}.
 */
public final class LogMetrics {
  static final int MAX_FILE_LABELS = 20;

  private final MeterRegistry registry;
  public final Counter linesRead;
  public final Counter bytesRead;
  public final Counter linesTruncated;
  public final Counter invalidUtf8;
  public final Counter parseFailures;
  public final Counter multilineRecords;
  private final MultiGauge lag;
  private final Map<String, Counter> problems = new ConcurrentHashMap<>();
  private final Map<String, Counter> sent = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();

  public LogMetrics(MeterRegistry registry) {
    this.registry = registry;
    linesRead =
        Counter.builder("outrigger.log.lines.read")
            .description("Lines read from the app's log files.")
            .register(registry);
    bytesRead =
        Counter.builder("outrigger.log.read")
            .description("Bytes read from the app's log files.")
            .baseUnit("bytes")
            .register(registry);
    linesTruncated =
        Counter.builder("outrigger.log.lines.truncated")
            .description("Lines longer than maxLineBytes, kept up to it and cut.")
            .register(registry);
    invalidUtf8 =
        Counter.builder("outrigger.log.lines.invalid.utf8")
            .description(
                "Lines with invalid UTF-8, forwarded with U+FFFD in place of the bad bytes.")
            .register(registry);
    parseFailures =
        Counter.builder("outrigger.log.parse.failures")
            .description("Records that did not parse in the configured format, forwarded as plain.")
            .register(registry);
    multilineRecords =
        Counter.builder("outrigger.log.records.joined")
            .description("Records made of more than one line by the multiline join.")
            .register(registry);
    lag =
        MultiGauge.builder("outrigger.log.lag")
            .description("Bytes of each file not yet acknowledged by every output.")
            .baseUnit("bytes")
            .register(registry);
  }

  /** Registers the buffer's fill and capacity gauges and the watched-file count. */
  public void bind(LogBuffer buffer, Supplier<Integer> watchedFiles) {
    Gauge.builder("outrigger.log.buffer.records", buffer, LogBuffer::size)
        .description("Records read and waiting for the outputs.")
        .register(registry);
    Gauge.builder("outrigger.log.buffer.bytes", buffer, LogBuffer::bytes)
        .description("Bytes of the records waiting for the outputs.")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("outrigger.log.buffer.capacity.records", buffer, LogBuffer::capacity)
        .description("Records the buffer holds before tailing pauses.")
        .register(registry);
    Gauge.builder("outrigger.log.files.watched", watchedFiles, s -> s.get())
        .description("Log files being tailed.")
        .register(registry);
  }

  public void problem(String reason) {
    problems
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("outrigger.log.file.problems")
                    .description("Matched paths that could not be tailed, by reason.")
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  /** Records every output acknowledged (per output: {@code outrigger_log_output_sent_total}). */
  public void sent(int records) {
    sent.computeIfAbsent(
            "",
            o ->
                Counter.builder("outrigger.log.records.sent")
                    .description(
                        "Records every output acknowledged; their offsets are checkpointed.")
                    .register(registry))
        .increment(records);
  }

  /** Records in deliveries that failed and are sent again. */
  public void failed(int records) {
    failed
        .computeIfAbsent(
            "",
            o ->
                Counter.builder("outrigger.log.records.failed")
                    .description("Records in deliveries that failed; they are sent again.")
                    .register(registry))
        .increment(records);
  }

  /** Replaces the per-file lag rows: {@code lagByFile} maps a file name to its bytes behind. */
  public void lag(Map<String, Long> lagByFile) {
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(lagByFile.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    long other = 0;
    boolean hasOther = false;
    for (int i = 0; i < sorted.size(); i++) {
      if (i < MAX_FILE_LABELS) {
        rows.add(
            MultiGauge.Row.of(Tags.of("file", sorted.get(i).getKey()), sorted.get(i).getValue()));
      } else {
        other += sorted.get(i).getValue();
        hasOther = true;
      }
    }
    if (hasOther) {
      rows.add(MultiGauge.Row.of(Tags.of("file", "_other"), other));
    }
    lag.register(rows, true);
  }
}
