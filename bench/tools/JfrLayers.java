import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a proxied request's CPU and allocation go, by layer: reads a JFR recording of the sidecar
 * and charges each CPU sample (jdk.ExecutionSample) and each allocation sample
 * (jdk.ObjectAllocationSample, by its weight) to the first frame, from the top of the stack, that
 * belongs to a named layer. Outrigger's own classes count as one layer per class, so a change to
 * one shows where it moved.
 *
 * <p>Usage: {@code java bench/tools/JfrLayers.java recording.jfr}
 */
public class JfrLayers {
  /** Package or class prefixes, in the order they are tried on each frame (first match wins). */
  private static final Map<String, String> LAYERS = new LinkedHashMap<>();

  static {
    LAYERS.put("io.opentelemetry.", "OpenTelemetry SDK");
    LAYERS.put("io.micrometer.", "Micrometer");
    LAYERS.put("io.vertx.core.http.impl.headers.", "Vert.x header maps");
    LAYERS.put("io.vertx.core.http.impl.HttpClient", "Vert.x HTTP client");
    LAYERS.put("io.vertx.core.http.impl.Http1xClient", "Vert.x HTTP client");
    LAYERS.put("io.vertx.core.http.impl.Http1xServer", "Vert.x HTTP server");
    LAYERS.put("io.vertx.core.streams.", "Vert.x streams and pipes");
    LAYERS.put("io.vertx.core.impl.future.", "Vert.x futures");
    LAYERS.put("io.vertx.", "Vert.x, other");
    LAYERS.put("io.netty.handler.codec.http.", "Netty HTTP codec");
    LAYERS.put("io.netty.channel.epoll.", "Netty epoll transport");
    LAYERS.put("io.netty.buffer.", "Netty buffers");
    LAYERS.put("io.netty.channel.", "Netty channel pipeline");
    LAYERS.put("io.netty.", "Netty, other");
  }

  public static void main(String[] args) throws Exception {
    Map<String, Double> cpu = new TreeMap<>();
    Map<String, Double> allocation = new TreeMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = event.getEventType().getName();
      if (event.getStackTrace() == null) {
        continue;
      }
      String layer = layer(event.getStackTrace().getFrames());
      if (type.equals("jdk.ExecutionSample")) {
        cpu.merge(layer, 1.0, Double::sum);
      } else if (type.equals("jdk.ObjectAllocationSample")) {
        allocation.merge(layer, (double) event.getLong("weight"), Double::sum);
      }
    }
    print("CPU samples", cpu);
    print("allocation (sampled bytes)", allocation);
  }

  static String layer(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      if (!frame.isJavaFrame()) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("io.outrigger.")) {
        String simple = type.substring(type.lastIndexOf('.') + 1);
        int nested = simple.indexOf('$');
        return "Outrigger " + (nested < 0 ? simple : simple.substring(0, nested));
      }
      for (Map.Entry<String, String> layer : LAYERS.entrySet()) {
        if (type.startsWith(layer.getKey())) {
          return layer.getValue();
        }
      }
    }
    return "JDK and other";
  }

  private static void print(String title, Map<String, Double> byLayer) {
    double total = byLayer.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("%s (%.0f)%n", title, total);
    byLayer.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .filter(e -> e.getValue() >= total / 200)
        .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100 * e.getValue() / total, e.getKey()));
    System.out.println("  (layers under 0.5% left out)");
    double outrigger =
        byLayer.entrySet().stream()
            .filter(e -> e.getKey().startsWith("Outrigger "))
            .mapToDouble(Map.Entry::getValue)
            .sum();
    System.out.printf("  %5.1f%%  = Outrigger's own code, all classes%n", 100 * outrigger / total);
  }
}
