package io.outrigger.sidecar.logs.bench;

import io.outrigger.config.LogFormat;
import io.outrigger.config.SidecarConfig.ParserConfig;
import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import io.outrigger.sidecar.logs.LineProcessor;
import io.outrigger.sidecar.logs.LogEnrichment;
import io.outrigger.sidecar.logs.RecordPacker;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The tailer thread's work per line in bench/logs.sh (decode, parse JSON, find the trace ids,
 * enrich, pack), without files, buffer or network: CPU and bytes allocated per line on this thread,
 * steadier than the whole benchmark on a shared machine, and something to attach a profiler to.
 *
 * <pre>java -cp ... io.outrigger.sidecar.logs.bench.LinePackingProfile [rounds] [lines]</pre>
 */
public final class LinePackingProfile {
  private LinePackingProfile() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int lines = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    byte[][] input = new byte[1000][];
    for (int i = 0; i < input.length; i++) {
      input[i] = benchLine(i).getBytes(StandardCharsets.UTF_8);
    }
    LineProcessor processor =
        new LineProcessor(
            LineParser.from(new ParserConfig(LogFormat.JSON, null, null, null, null)),
            new TraceContextExtractor(TraceCorrelationConfig.defaults()),
            new LogEnrichment(
                Map.of(
                    "k8s.pod.name", "app-0",
                    "k8s.namespace.name", "bench",
                    "k8s.node.name", "node-a",
                    "k8s.container.name", "app")));
    RecordPacker packer = new RecordPacker();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    long packedBytes = 0;
    for (int round = 1; round <= rounds; round++) {
      long cpu = threads.getCurrentThreadCpuTime();
      long allocated = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < lines; i++) {
        byte[] line = input[i % input.length];
        String text = new String(line, StandardCharsets.UTF_8);
        packedBytes +=
            processor.process(text, "/logs/app.log", Instant.now(), packer).record().bytes().length;
      }
      double nanos = (threads.getCurrentThreadCpuTime() - cpu) / (double) lines;
      double bytes = (threads.getThreadAllocatedBytes(self) - allocated) / (double) lines;
      System.out.printf(
          Locale.ROOT,
          "round %d: %.0f ns CPU and %.0f bytes allocated per line%n",
          round,
          nanos,
          bytes);
    }
    System.out.printf(
        Locale.ROOT, "packed %.0f bytes per line%n", packedBytes / (double) rounds / lines);
  }

  /** The shape of bench/logs.sh's lines (its awk program). */
  static String benchLine(int i) {
    return String.format(
        Locale.ROOT,
        "{\"time\":\"2026-11-26T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"message\":\"GET"
            + " /api/v1/items/%d answered 200\",\"logger\":\"http.access\","
            + "\"trace_id\":\"4bf92f3577b34da6a3ce929d%08x\",\"span_id\":\"00f067aa%08x\","
            + "\"id\":\"ev-%d\",\"user\":\"u%d\",\"latency_ms\":%d}",
        (i / 60000) % 60,
        (i / 1000) % 60,
        i % 1000,
        i % 10 != 0 ? "INFO" : "WARN",
        i,
        i,
        i,
        i,
        i % 977,
        i % 250);
  }
}
