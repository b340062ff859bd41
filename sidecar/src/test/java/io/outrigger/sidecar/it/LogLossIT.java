package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sidecar as a process tails a file an app writes and forwards it to a
 * Forward-protocol receiver (msgpack-core, acks on); every line has a unique id and the receiver
 * counts them. Each case asserts 0 lost and prints the duplicates, which must be what at-least-once
 * allows in that case (none, unless the sidecar was killed or the receiver dropped a connection
 * before its ack).
 */
class LogLossIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, String> POD =
      Map.of("POD_NAME", "shop-1", "POD_NAMESPACE", "shop", "NODE_NAME", "node-a");

  @TempDir Path dir;

  private Path config(ForwardSink sink, String paths, int bufferLines) throws Exception {
    Path file = dir.resolve("sidecar.yaml");
    Files.writeString(
        file,
        "logs:\n"
            + "  enabled: true\n"
            + "  directory: "
            + dir.resolve("logs")
            + "\n"
            + "  paths: ['"
            + paths
            + "']\n"
            + "  bufferLines: "
            + bufferLines
            + "\n"
            + "  parser: {format: json, timeField: ts}\n"
            + "  outputs:\n"
            + "    stdout: false\n"
            + "    forward: {host: 127.0.0.1, port: "
            + sink.port()
            + ", tag: app.shop}\n");
    Files.createDirectories(dir.resolve("logs"));
    return file;
  }

  private static SidecarProcess sidecar(Path config) throws Exception {
    return SidecarProcess.start(config, POD, List.of("-Xmx48m"));
  }

  @Test
  void renameRotationUnderASteadyWriter() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        SidecarProcess sidecar = sidecar(config(sink, "app.log", 10_000));
        AppLogWriter writer =
            new AppLogWriter(dir.resolve("logs"), 3000, AppLogWriter.Rotation.RENAME, 1500)
                .start()) {
      Thread.sleep(9_000);
      int total = writer.stop();
      assertThat(writer.rotations()).isGreaterThanOrEqualTo(3);
      awaitAll(sink, total, Duration.ofSeconds(30));
      report("rename rotation", sink, total, writer.rotations() + " rotations");
      assertNoLoss(sink, total);
      assertThat(sink.duplicates("id")).as("duplicates without a crash").isZero();
    }
  }

  @Test
  void copyTruncateRotationUnderASteadyWriter() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        SidecarProcess sidecar = sidecar(config(sink, "app.log*", 10_000));
        AppLogWriter writer =
            new AppLogWriter(dir.resolve("logs"), 3000, AppLogWriter.Rotation.COPYTRUNCATE, 1500)
                .start()) {
      Thread.sleep(9_000);
      int total = writer.stop();
      assertThat(writer.rotations()).isGreaterThanOrEqualTo(3);
      awaitAll(sink, total, Duration.ofSeconds(30));
      report("copytruncate rotation", sink, total, writer.rotations() + " rotations");
      assertNoLoss(sink, total);
      assertThat(sink.duplicates("id")).as("duplicates without a crash").isZero();
    }
  }

  @Test
  void sigkillAndRestartMidStream() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        AppLogWriter writer =
            new AppLogWriter(dir.resolve("logs"), 3000, AppLogWriter.Rotation.NONE, 0)) {
      Path config = config(sink, "*.log", 10_000);
      SidecarProcess first = sidecar(config);
      writer.start();
      Thread.sleep(4_000);
      first.process.destroyForcibly(); // SIGKILL: no flush, no final checkpoint
      first.process.waitFor();
      int beforeKill = sink.eventCount();
      Thread.sleep(1_000);
      try (SidecarProcess second = sidecar(config)) {
        Thread.sleep(3_000);
        int total = writer.stop();
        awaitAll(sink, total, Duration.ofSeconds(30));
        List<ForwardSink.Event> events = sink.events();
        Set<String> early = new HashSet<>();
        for (int i = 0; i < beforeKill; i++) {
          early.add(id(events.get(i)));
        }
        Map<String, Integer> counts = sink.countsBy("id");
        List<String> duplicated =
            counts.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
        report("SIGKILL and restart", sink, total, beforeKill + " received before the kill");
        assertNoLoss(sink, total);
        assertThat(duplicated)
            .as("a duplicate is a line received before the kill and re-sent after the restart")
            .allMatch(early::contains);
        assertThat(counts.values()).allMatch(n -> n <= 2);
      } finally {
        first.close();
      }
    }
  }

  @Test
  void receiverDownForThirtySecondsThenUp() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        SidecarProcess sidecar = sidecar(config(sink, "*.log", 1000));
        AppLogWriter writer =
            new AppLogWriter(dir.resolve("logs"), 1000, AppLogWriter.Rotation.NONE, 0).start()) {
      Thread.sleep(2_000);
      sink.stop();
      long downUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      double fullest = 0;
      while (System.nanoTime() < downUntil) {
        fullest = Math.max(fullest, metric(sidecar, "outrigger_log_buffer_records"));
        Thread.sleep(500);
      }
      assertThat(fullest).as("the buffer filled up and tailing paused").isEqualTo(1000);
      com.fasterxml.jackson.databind.JsonNode logs = logsStatus(sidecar);
      assertThat(logs.get("state").asText())
          .as("/status during the outage: " + logs)
          .isEqualTo("degraded");
      assertThat(logs.get("lastError").asText()).contains("not acknowledged");
      sink.resume();
      Thread.sleep(2_000);
      int total = writer.stop();
      awaitAll(sink, total, Duration.ofSeconds(60));
      report("receiver down 30 s", sink, total, "buffer peaked at " + (long) fullest + " records");
      assertThat(logsStatus(sidecar).get("state").asText()).isEqualTo("ready");
      assertNoLoss(sink, total);
      assertThat(sink.duplicates("id"))
          .as("at most the batch in flight when the receiver went away is sent twice")
          .isLessThanOrEqualTo(2000);
    }
  }

  @Test
  void receiverAckingSlowly() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        SidecarProcess sidecar = sidecar(config(sink, "*.log", 1000));
        AppLogWriter writer =
            new AppLogWriter(dir.resolve("logs"), 5000, AppLogWriter.Rotation.NONE, 0).start()) {
      sink.ackDelay(Duration.ofMillis(300));
      double fullest = 0;
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < until) {
        fullest = Math.max(fullest, metric(sidecar, "outrigger_log_buffer_records"));
        Thread.sleep(300);
      }
      int total = writer.stop();
      sink.ackDelay(Duration.ZERO);
      awaitAll(sink, total, Duration.ofSeconds(60));
      report(
          "slow acks (300 ms each)",
          sink,
          total,
          "buffer peaked at " + (long) fullest + " records");
      assertNoLoss(sink, total);
      assertThat(sink.duplicates("id")).isZero();
    }
  }

  @Test
  void oneMillionLineBurst() throws Exception {
    try (ForwardSink sink = ForwardSink.start();
        SidecarProcess sidecar = sidecar(config(sink, "*.log", 10_000))) {
      long begin = System.nanoTime();
      int total = AppLogWriter.burst(dir.resolve("logs/app.log"), 1_000_000);
      awaitAll(sink, total, Duration.ofSeconds(240));
      long millis = (System.nanoTime() - begin) / 1_000_000;
      report(
          "1 million line burst",
          sink,
          total,
          "took "
              + millis
              + " ms ("
              + (total * 1000L / Math.max(1, millis))
              + " lines/s end to end)");
      assertNoLoss(sink, total);
      assertThat(sink.duplicates("id")).isZero();
    }
  }

  private static String id(ForwardSink.Event event) {
    return String.valueOf(event.record().get("id"));
  }

  private static void awaitAll(ForwardSink sink, int total, Duration atMost)
      throws InterruptedException {
    BooleanSupplier done = () -> sink.countsBy("id").size() >= total;
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    Thread.sleep(500); // late duplicates, if any, show up in the report
  }

  private static void assertNoLoss(ForwardSink sink, int total) {
    Map<String, Integer> counts = sink.countsBy("id");
    List<Integer> lost = new ArrayList<>();
    for (int i = 0; i < total && lost.size() < 20; i++) {
      if (!counts.containsKey(Integer.toString(i))) {
        lost.add(i);
      }
    }
    assertThat(sink.errors()).as("frames the receiver refused").isEmpty();
    assertThat(lost).as("lost ids (first 20)").isEmpty();
    assertThat(counts.keySet()).as("ids nobody wrote").allMatch(id -> Integer.parseInt(id) < total);
  }

  private static void report(String name, ForwardSink sink, int total, String detail) {
    Map<String, Integer> counts = sink.countsBy("id");
    List<String> duplicated =
        counts.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(e -> e.getKey() + "×" + e.getValue())
            .limit(10)
            .toList();
    System.out.printf(
        "LogLossIT %-26s written=%d received=%d unique=%d lost=%d duplicates=%d %s; first duplicates: %s%n",
        name,
        total,
        sink.eventCount(),
        counts.size(),
        Math.max(0, total - counts.size()),
        sink.duplicates("id"),
        detail,
        duplicated);
  }

  private static com.fasterxml.jackson.databind.JsonNode logsStatus(SidecarProcess sidecar)
      throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sidecar.portBase + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).at("/components/logs");
  }

  private static double metric(SidecarProcess sidecar, String name) {
    try {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (Exception e) {
      // The sidecar may be between restarts.
    }
    return 0;
  }
}
