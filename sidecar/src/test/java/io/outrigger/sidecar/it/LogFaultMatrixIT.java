package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import io.outrigger.sidecar.logs.sink.JsonLinesSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of six faults under a steady writer, against the packaged sidecar as a process:
 * rotation by real logrotate (rename, copytruncate), SIGKILL restarts every 3–4 s, the receiver
 * down, slow acks, a receiver refusing batches. Each line has a unique id; the Forward sink (a
 * msgpack-core decoder) counts them. A pair passes with 0 lost and 0 partial records (a record that
 * is not a whole line); duplicates are allowed and counted. Each pair prints its counts.
 *
 * <p>"Refusing" adds a second output, HTTP JSON lines, whose receiver answers 413 to bodies over 16
 * KiB and 400 to a body holding a line marked bad: the sidecar splits refused batches down to the
 * record, sets the bad records aside in {@code .outrigger/rejected/http.ndjson}, and every id
 * reaches either that receiver or the rejected file, while the Forward output gets everything.
 */
class LogFaultMatrixIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> POD =
      Map.of("POD_NAME", "shop-1", "POD_NAMESPACE", "shop", "NODE_NAME", "node-a");
  private static final int LINES_PER_SECOND = 2000;

  enum Fault {
    RENAME,
    COPYTRUNCATE,
    SIGKILL,
    RECEIVER_DOWN,
    SLOW_ACKS,
    REFUSING
  }

  @TempDir Path dir;

  static Stream<Arguments> pairs() {
    List<Arguments> pairs = new ArrayList<>();
    Fault[] all = Fault.values();
    for (int i = 0; i < all.length; i++) {
      for (int j = i + 1; j < all.length; j++) {
        pairs.add(Arguments.of(all[i], all[j]));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("pairs")
  void pairOfFaults(Fault a, Fault b) throws Exception {
    Counts counts = run(a + " + " + b, EnumSet.of(a, b), Duration.ofSeconds(8), 0);
    counts.assertNothingLost();
  }

  /**
   * The measurement of the issue: logrotate's copytruncate with the pattern {@code app.log*},
   * SIGKILL every 3–4 s, 30,000 lines at 2,000/s, two CPU-bound processes beside the sidecar.
   */
  @Test
  void copytruncateAndSigkillOnABusyMachine() throws Exception {
    Counts counts =
        run(
            "busy: COPYTRUNCATE + SIGKILL",
            EnumSet.of(Fault.COPYTRUNCATE, Fault.SIGKILL),
            Duration.ofSeconds(15),
            2);
    counts.assertNothingLost();
  }

  private Counts run(String name, Set<Fault> faults, Duration writing, int busyProcesses)
      throws Exception {
    assumeThat(LogrotateWriter.available())
        .as("Debian's logrotate (hack/test-deps.sh installs it)")
        .isTrue();
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<LogrotateWriter.Style> styles = new ArrayList<>();
    if (faults.contains(Fault.RENAME)) {
      styles.add(LogrotateWriter.Style.RENAME);
    }
    if (faults.contains(Fault.COPYTRUNCATE)) {
      styles.add(LogrotateWriter.Style.COPYTRUNCATE);
    }
    List<Process> busy = new ArrayList<>();
    try (ForwardSink sink = ForwardSink.start().keepOnly("id", "message");
        JsonLinesSink http = new JsonLinesSink().refuseRecordsWith("bad")) {
      http.maxBodyBytes(16 * 1024);
      boolean refusing = faults.contains(Fault.REFUSING);
      Path config = config(logs, sink, refusing ? http : null);
      for (int i = 0; i < busyProcesses; i++) {
        // Inherits the test's niceness: as busy as the sidecar, no busier than the build.
        busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
      }
      SidecarProcess sidecar = SidecarProcess.start(config, POD, List.of("-Xmx48m"));
      int kills = 0;
      int outages = 0;
      LogrotateWriter writer = new LogrotateWriter(logs, LINES_PER_SECOND, styles, 1500).start();
      try {
        if (faults.contains(Fault.SLOW_ACKS)) {
          sink.ackDelay(Duration.ofMillis(250));
        }
        long end = System.nanoTime() + writing.toNanos();
        long nextKill = System.nanoTime() + millis(3000, 4000);
        long nextOutage = System.nanoTime() + millis(1000, 2000);
        while (System.nanoTime() < end) {
          long now = System.nanoTime();
          // Not before the sidecar started tailing: a crash loop that never gets that far reads
          // nothing, on any tailer.
          if (faults.contains(Fault.SIGKILL) && now >= nextKill && sidecar.tailing()) {
            sidecar.process.destroyForcibly(); // SIGKILL: no flush, no final checkpoint
            sidecar.process.waitFor();
            sidecar = SidecarProcess.launch(config, POD, List.of("-Xmx48m"));
            kills++;
            nextKill = System.nanoTime() + millis(3000, 4000);
          }
          if (faults.contains(Fault.RECEIVER_DOWN) && now >= nextOutage) {
            sink.stop();
            Thread.sleep(2000);
            sink.resume();
            outages++;
            nextOutage = System.nanoTime() + millis(2000, 3000);
          }
          Thread.sleep(50);
        }
        int total = writer.stop();
        sink.ackDelay(Duration.ZERO);
        Path rejected = logs.resolve(".outrigger/rejected/http.ndjson");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline
            && (sink.countsBy("id").size() < total
                || refusing && httpIds(http, rejected).size() < total)) {
          Thread.sleep(250);
        }
        Thread.sleep(500); // late duplicates, if any, are counted too
        Counts counts =
            Counts.of(name, total, sink, refusing ? http : null, refusing ? rejected : null);
        System.out.printf(
            "LogFaultMatrixIT %-34s %s rotations=%d kills=%d outages=%d%n",
            name, counts, writer.rotations(), kills, outages);
        assertThat(writer.rotations() > 0 || styles.isEmpty()).isTrue();
        return counts;
      } finally {
        writer.close();
        sidecar.close();
      }
    } finally {
      busy.forEach(Process::destroyForcibly);
    }
  }

  private static long millis(int from, int to) {
    return Duration.ofMillis(ThreadLocalRandom.current().nextInt(from, to)).toNanos();
  }

  private Path config(Path logs, ForwardSink sink, JsonLinesSink http) throws IOException {
    Path file = dir.resolve("sidecar.yaml");
    Files.writeString(
        file,
        "logs:\n"
            + "  enabled: true\n"
            + "  directory: "
            + logs
            + "\n"
            + "  paths: ['app.log*']\n"
            + "  bufferLines: 2000\n"
            + "  parser: {format: json, timeField: ts}\n"
            + "  outputs:\n"
            + "    stdout: false\n"
            + "    retryInitialBackoff: 100ms\n"
            + "    retryMaxBackoff: 1s\n"
            + "    forward: {host: 127.0.0.1, port: "
            + sink.port()
            + ", tag: app.shop, ackTimeout: 5s}\n"
            + (http == null
                ? ""
                : "    http: {url: '" + http.url() + JsonLinesSink.PATH + "', timeout: 5s}\n"));
    return file;
  }

  /** Ids that reached the HTTP receiver or were set aside in the rejected file. */
  private static Map<String, Integer> httpIds(JsonLinesSink http, Path rejected)
      throws IOException {
    Map<String, Integer> ids = new HashMap<>(http.countsBy("id"));
    if (Files.exists(rejected)) {
      for (String line : Files.readAllLines(rejected)) {
        JsonNode entry = JSON.readTree(line);
        ids.merge(entry.at("/record/id").asText(), 1, Integer::sum);
      }
    }
    return ids;
  }

  /** What one run lost, duplicated, cut, at the Forward sink and, when refusing, over HTTP. */
  record Counts(
      String name,
      int written,
      int lost,
      long duplicates,
      int partial,
      List<String> firstLost,
      List<String> refusedFrames,
      int httpLost,
      int setAside) {

    static Counts of(String name, int total, ForwardSink sink, JsonLinesSink http, Path rejected)
        throws IOException {
      Map<String, Integer> counts = new HashMap<>();
      int partial = 0;
      for (ForwardSink.Event e : sink.events()) {
        Object id = e.record().get("id");
        if (id == null
            || !"order placed".equals(e.record().get("message"))
            || !isId(id.toString(), total)) {
          partial++;
        } else {
          counts.merge(id.toString(), 1, Integer::sum);
        }
      }
      List<String> missing = new ArrayList<>();
      int lost = 0;
      int from = -1;
      for (int i = 0; i <= total; i++) {
        boolean gone = i < total && !counts.containsKey(Integer.toString(i));
        if (gone) {
          lost++;
          from = from < 0 ? i : from;
        } else if (from >= 0) {
          if (missing.size() < 10) {
            missing.add(from == i - 1 ? Integer.toString(from) : from + "-" + (i - 1));
          }
          from = -1;
        }
      }
      long duplicates = counts.values().stream().mapToLong(n -> n - 1).sum();
      int httpLost = 0;
      int setAside = 0;
      if (http != null) {
        Map<String, Integer> ids = httpIds(http, rejected);
        for (int i = 0; i < total; i++) {
          if (!ids.containsKey(Integer.toString(i))) {
            httpLost++;
          }
        }
        setAside = Files.exists(rejected) ? Files.readAllLines(rejected).size() : 0;
      }
      return new Counts(
          name, total, lost, duplicates, partial, missing, sink.errors(), httpLost, setAside);
    }

    private static boolean isId(String id, int total) {
      try {
        int n = Integer.parseInt(id);
        return n >= 0 && n < total;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    void assertNothingLost() {
      assertThat(refusedFrames).as(name + ": frames the Forward sink refused").isEmpty();
      assertThat(partial).as(name + ": records that are not a whole line").isZero();
      assertThat(firstLost).as(name + ": lost id ranges (first 10; " + lost + " ids)").isEmpty();
      assertThat(httpLost).as(name + ": ids neither received over HTTP nor set aside").isZero();
    }

    @Override
    public String toString() {
      return String.format(
          "written=%d lost=%d duplicated=%d partial=%d httpLost=%d setAside=%d lostRanges=%s",
          written, lost, duplicates, partial, httpLost, setAside, firstLost);
    }
  }
}
