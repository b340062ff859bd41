package io.outrigger.webhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.bench.BenchBodies.Body;
import io.outrigger.webhook.server.AdmissionHttpsServer;
import io.outrigger.webhook.server.ReloadingKeyManager;
import io.outrigger.webhook.server.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The Java side of {@code bench/webhook.sh} (not a test: run with {@code java -cp}):
 *
 * <pre>
 * apiserver OUT_DIR CREATES ROUNDS WARMUP   capture AdmissionReviews from the real API server into
 *                                           OUT_DIR/{small,medium,large}.json, then time pod creates
 *                                           with and without the webhook (OUT_DIR/apiserver.properties)
 * serve OUT_DIR PORT FLOOR_PORT THREADS     the webhook (AdmissionHttpsServer, in-memory cluster view
 *                                           as the operator's informers answer it) on PORT, and on
 *                                           FLOOR_PORT the same JDK HTTPS server answering a fixed
 *                                           "allowed" without reading the review (the transport's cost
 *                                           alone); writes OUT_DIR/ca.pem, prints "ready"
 * rate URL BODY RATE SECONDS WARMUP CONNS CA   open-loop fixed-rate load (see FixedRateClient)
 * </pre>
 */
public final class WebhookBenchmark {
  private WebhookBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "apiserver" ->
          ApiServerLatency.run(
              Path.of(args[1]),
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]));
      case "serve" ->
          serve(
              Path.of(args[1]),
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]));
      case "rate" ->
          FixedRateClient.run(
              URI.create(args[1]),
              Path.of(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]),
              Integer.parseInt(args[6]),
              Path.of(args[7]));
      default -> {
        System.err.println("usage: see the class comment of " + WebhookBenchmark.class.getName());
        System.exit(2);
      }
    }
    // The API server's shutdown hook stops it; the Fabric8 client leaves non-daemon threads.
    System.exit(0);
  }

  private static void serve(Path dir, int port, int floorPort, int threads) throws Exception {
    Map<String, Body> bodies = BenchBodies.all();
    TestCertificates ca = new TestCertificates();
    Path certs = dir.resolve("certs");
    ca.writeServing(certs, "outrigger-webhook");
    Files.writeString(dir.resolve("ca.pem"), ca.caPem());
    // Native sidecars (1.30): the path a current cluster takes. The API server part runs classic
    // against its 1.20 server; both build the same objects.
    ClusterFacts facts =
        new ClusterFacts(1, 30, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system");
    AdmissionHandler handler =
        new AdmissionHandler(
            BenchBodies.clusterView(bodies, Map.of()), facts, new AdmissionMetrics());
    // Every captured review must really inject, or the benchmark measures the wrong path.
    for (Body body : bodies.values()) {
      byte[] review = Files.readAllBytes(dir.resolve(body.size() + ".json"));
      JsonNode response = PodJson.MAPPER.readTree(handler.handle(review)).path("response");
      if (!"JSONPatch".equals(response.path("patchType").asText())) {
        throw new IllegalStateException(body.size() + " is not injected: " + response);
      }
      System.err.printf(
          "[bench] %s: review %d bytes, response %d bytes%n",
          body.size(), review.length, handler.handle(review).length);
    }
    AdmissionHttpsServer.start(
        new InetSocketAddress("127.0.0.1", port),
        certs.resolve("tls.crt"),
        certs.resolve("tls.key"),
        handler,
        threads);
    floor(certs, floorPort, threads);
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * The same JDK HTTPS server, same thread count, reading the whole body and answering a fixed
   * review: what any webhook on this server costs before it does any work.
   */
  private static void floor(Path certs, int port, int threads) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        new KeyManager[] {
          new ReloadingKeyManager(certs.resolve("tls.crt"), certs.resolve("tls.key"))
        },
        null,
        null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(Executors.newFixedThreadPool(threads));
    byte[] answer =
        ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
                + "{\"uid\":\"00000000-0000-0000-0000-000000000000\",\"allowed\":true}}")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/mutate",
        exchange -> {
          try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
              in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    server.start();
  }
}
