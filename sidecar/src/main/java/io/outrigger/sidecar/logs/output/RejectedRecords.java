package io.outrigger.sidecar.logs.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where records that a receiver refused one by one are set aside: {@code
 * <logs.directory>/.outrigger/rejected/<output>.ndjson}, one JSON object per record (when, which
 * output, the status, the receiver's answer, the record as the JSON outputs send it). In the log
 * volume, so it outlives a sidecar restart as the logs do; never matched by a pattern. Each file is
 * kept to {@link #MAX_FILE_BYTES}: when full it becomes {@code <output>.ndjson.1} (replacing the
 * older one) and a warning says how many records that one held.
 */
public final class RejectedRecords {
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final Path directory;
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param directory the folder of the rejected files ({@code .outrigger/rejected} in the log
   *     directory)
   */
  public RejectedRecords(Vertx vertx, Path directory, MeterRegistry registry) {
    this.vertx = vertx;
    this.directory = directory;
    this.registry = registry;
  }

  public static Path directoryFor(String logDirectory) {
    return Path.of(logDirectory, ".outrigger", "rejected");
  }

  public Path file(String output) {
    return directory.resolve(output + ".ndjson");
  }

  /**
   * Writes the record to the output's file (on a worker thread) and counts it; completes once it is
   * written, so the checkpoint moves past it only when it is safe on disk. Fails when it cannot be
   * written: the caller retries, the record is not dropped.
   */
  public Future<Void> setAside(String output, LogRecord record, RefusedBatchException refusal) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("time", Instant.now().toString());
    entry.put("output", output);
    entry.put("status", refusal.status());
    entry.put("reason", refusal.reason().name().toLowerCase().replace('_', '-'));
    entry.put("answer", refusal.getMessage());
    byte[] line;
    try {
      entry.set("record", JSON.readTree(LogRecordJson.of(record)));
      line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .executeBlocking(
            () -> {
              append(output, line);
              return null;
            },
            true)
        .<Void>mapEmpty()
        .onSuccess(
            done -> {
              counter(output).increment();
              JsonLog.warn(
                  "log record refused by the receiver one by one; set aside",
                  "output",
                  output,
                  "status",
                  refusal.status(),
                  "answer",
                  String.valueOf(refusal.getMessage()),
                  "file",
                  file(output).toString());
            });
  }

  private synchronized void append(String output, byte[] line) throws IOException {
    Files.createDirectories(directory);
    Path file = file(output);
    if (Files.exists(file) && Files.size(file) + line.length > MAX_FILE_BYTES) {
      long held;
      try (var lines = Files.lines(file)) {
        held = lines.count();
      }
      Files.move(
          file,
          file.resolveSibling(file.getFileName() + ".1"),
          StandardCopyOption.REPLACE_EXISTING);
      JsonLog.warn(
          "rejected records file full: renamed to .1, replacing the older one",
          "file",
          file.toString(),
          "records",
          held);
    }
    Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private Counter counter(String output) {
    return counters.computeIfAbsent(
        output,
        name ->
            Counter.builder("outrigger.log.output.rejected")
                .description(
                    "Log records a receiver refused on their own, set aside in"
                        + " .outrigger/rejected/<output>.ndjson")
                .tag("output", name)
                .register(registry));
  }
}
