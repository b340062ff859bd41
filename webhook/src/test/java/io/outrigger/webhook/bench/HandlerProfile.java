package io.outrigger.webhook.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.bench.BenchBodies.Body;
import java.util.Map;

/**
 * The admission handler alone, no HTTP, on one of the benchmark's bodies for a while: CPU per
 * admission, and something to attach a profiler to ({@code -XX:StartFlightRecording}).
 *
 * <p>The large body is the review kube-apiserver 1.20 really sent for the benchmark's Deployment
 * pod ({@code admission/deployment-pod-review.json}: defaults and managedFields included); the
 * others are built from the fixtures. An optional third argument names another review file.
 *
 * <pre>java -cp ... io.outrigger.webhook.bench.HandlerProfile large 20 [review.json]</pre>
 */
public final class HandlerProfile {
  private HandlerProfile() {}

  public static void main(String[] args) throws Exception {
    String size = args.length > 0 ? args[0] : "large";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Map<String, Body> bodies = BenchBodies.all();
    Body body = bodies.get(size);
    AdmissionHandler handler =
        new AdmissionHandler(
            BenchBodies.clusterView(bodies, Map.of()),
            new ClusterFacts(1, 30, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system"),
            new AdmissionMetrics());
    byte[] review =
        args.length > 2
            ? java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[2]))
            : "large".equals(size) ? capturedLargeReview() : reviewOf(body);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long count = 0;
    long cpuStart = cpuNanos();
    while (System.nanoTime() < end) {
      handler.handle(review);
      count++;
    }
    double micros = (cpuNanos() - cpuStart) / 1000.0 / count;
    System.out.printf(
        "%s (%d bytes): %d admissions, %.1f µs CPU each (this thread)%n",
        size, review.length, count, micros);
  }

  private static byte[] capturedLargeReview() throws java.io.IOException {
    try (java.io.InputStream in =
        HandlerProfile.class.getResourceAsStream("/admission/deployment-pod-review.json")) {
      return in.readAllBytes();
    }
  }

  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** An AdmissionReview as the API server sends it for the body's pod. */
  static byte[] reviewOf(Body body) {
    ObjectNode review = PodJson.MAPPER.createObjectNode();
    review.put("apiVersion", AdmissionHandler.API_VERSION);
    review.put("kind", AdmissionHandler.KIND);
    ObjectNode request = review.putObject("request");
    request.put("uid", "00000000-0000-0000-0000-000000000001");
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.put("namespace", body.namespace());
    request.put("operation", "CREATE");
    request.set("object", PodJson.toTree(body.pod()));
    return PodJson.write(review).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
