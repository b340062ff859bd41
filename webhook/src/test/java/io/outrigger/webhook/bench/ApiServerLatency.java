package io.outrigger.webhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.outrigger.api.Names;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.admission.AdmissionMetrics.Result;
import io.outrigger.webhook.bench.BenchBodies.Body;
import io.outrigger.webhook.server.AdmissionHttpsServer;
import io.outrigger.webhook.server.ReloadingKeyManager;
import io.outrigger.webhook.server.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The real kube-apiserver part of the webhook benchmark, in one JVM:
 *
 * <ol>
 *   <li>captures the AdmissionReview bodies the API server sends for the bench pods (a recording
 *       webhook answers "allowed", so the bodies carry the server's defaulting and envelope), for
 *       the load generators to replay;
 *   <li>creates the same pod N times with the Outrigger webhook registered and N times without, in
 *       alternating rounds (so drift in etcd or the machine hits both), and reports p50/p99 of each
 *       create as the client sees it.
 * </ol>
 */
final class ApiServerLatency {
  private static final String SELECTOR_LABEL = "outrigger-bench";
  private static final String CREATE_NAMESPACE = "bench-create";
  private static final String IMAGE = "ghcr.io/outrigger/sidecar:0.1.0-bench";

  private ApiServerLatency() {}

  static void run(Path outDir, int creates, int rounds, int warmup) throws Exception {
    Files.createDirectories(outDir);
    Map<String, Body> bodies = BenchBodies.all();
    TestCertificates ca = new TestCertificates();
    Path certs = Files.createTempDirectory("outrigger-bench-certs");
    ca.writeServing(certs, "outrigger-webhook");
    try (KubernetesClient client = RealKubeApiServer.client()) {
      capture(client, ca, certs, bodies, outDir);
      measure(client, ca, certs, bodies.get("medium"), outDir, creates, rounds, warmup);
    }
  }

  // -- 1. the bodies as the API server sends them

  private static void capture(
      KubernetesClient client, TestCertificates ca, Path certs, Map<String, Body> bodies, Path out)
      throws Exception {
    Map<String, byte[]> captured = new ConcurrentHashMap<>();
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        new KeyManager[] {
          new ReloadingKeyManager(certs.resolve("tls.crt"), certs.resolve("tls.key"))
        },
        null,
        null);
    HttpsServer recorder = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    recorder.setHttpsConfigurator(new HttpsConfigurator(tls));
    recorder.createContext(
        "/mutate",
        exchange -> {
          try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            JsonNode request = PodJson.MAPPER.readTree(body).path("request");
            if (!request.path("dryRun").asBoolean(false)) {
              captured.put(request.path("object").path("metadata").path("name").asText(), body);
            }
            byte[] answer =
                ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        + "\"response\":{\"uid\":\""
                        + request.path("uid").asText()
                        + "\",\"allowed\":true}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream o = exchange.getResponseBody()) {
              o.write(answer);
            }
          }
        });
    recorder.setExecutor(Executors.newSingleThreadExecutor());
    recorder.start();
    try {
      register(client, ca, "outrigger-bench-capture", recorder.getAddress().getPort(), "capture");
      for (Body body : bodies.values()) {
        namespace(client, body.namespace(), Map.of(SELECTOR_LABEL, "capture"));
      }
      String probeNamespace = bodies.get("small").namespace();
      awaitTrue(
          () -> probeCalls(client, probeNamespace, captured), "the capture webhook is called");
      for (Body body : bodies.values()) {
        client.pods().inNamespace(body.namespace()).resource(body.pod()).create();
        byte[] review = captured.get(body.pod().getMetadata().getName());
        if (review == null) {
          throw new IllegalStateException("no AdmissionReview captured for " + body.size());
        }
        Files.write(out.resolve(body.size() + ".json"), review);
        System.err.printf(
            "[bench] captured the %s AdmissionReview: %d bytes%n", body.size(), review.length);
      }
    } finally {
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName("outrigger-bench-capture")
          .delete();
      recorder.stop(0);
    }
  }

  /** True once a real (non-dry-run) probe pod reached the recorder; the probe pod is deleted. */
  private static boolean probeCalls(
      KubernetesClient client, String namespace, Map<String, byte[]> captured) {
    String name = "probe-" + System.nanoTime();
    // A create for real: the recorder keeps no dry runs.
    client.pods().inNamespace(namespace).resource(BenchBodies.plainPod(name)).create();
    client.pods().inNamespace(namespace).withName(name).delete();
    return captured.remove(name) != null;
  }

  private static void dryRunProbe(KubernetesClient client, String namespace) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(BenchBodies.plainPod("dry-probe"))
        .dryRun()
        .create();
  }

  // -- 2. a pod create with and without the webhook

  private static void measure(
      KubernetesClient client,
      TestCertificates ca,
      Path certs,
      Body body,
      Path out,
      int creates,
      int rounds,
      int warmup)
      throws Exception {
    VersionInfo version = client.getKubernetesVersion();
    // The API server's own version decides classic or native: 1.20 here, so classic.
    ClusterFacts facts =
        ClusterFacts.of(
            version.getMajor(), version.getMinor(), IMAGE, "0.1.0-bench", "outrigger-system");
    AdmissionMetrics metrics = new AdmissionMetrics();
    AdmissionHandler handler =
        new AdmissionHandler(
            BenchBodies.clusterView(Map.of(), Map.of(CREATE_NAMESPACE, body)), facts, metrics);
    namespace(client, CREATE_NAMESPACE, Map.of(SELECTOR_LABEL, "create"));
    // A running operator's handler is warm; a few hundred creates are not enough for the JIT.
    // Warm it in-process on the review the API server sent for this pod (metrics kept apart).
    AdmissionHandler warm =
        new AdmissionHandler(
            BenchBodies.clusterView(Map.of(body.size(), body), Map.of()),
            facts,
            new AdmissionMetrics());
    byte[] review = Files.readAllBytes(out.resolve(body.size() + ".json"));
    for (int i = 0; i < 20_000; i++) {
      warm.handle(review);
    }
    List<Long> without = new ArrayList<>();
    List<Long> with = new ArrayList<>();
    try (AdmissionHttpsServer server =
        AdmissionHttpsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            certs.resolve("tls.crt"),
            certs.resolve("tls.key"),
            handler,
            4)) {
      int perRound = Math.max(1, creates / rounds);
      int[] counter = {0};
      for (int round = -1; round < rounds; round++) {
        boolean warming = round < 0;
        int n = warming ? warmup : perRound;
        for (boolean registered : new boolean[] {false, true}) {
          setRegistered(client, ca, server.port(), metrics, registered);
          long injectedBefore = metrics.count(Result.INJECTED, false);
          List<Long> samples = registered ? with : without;
          for (int i = 0; i < n; i++) {
            Pod pod = body.podIn(CREATE_NAMESPACE, "create-" + counter[0]++);
            long start = System.nanoTime();
            client.pods().inNamespace(CREATE_NAMESPACE).resource(pod).create();
            long elapsed = System.nanoTime() - start;
            if (!warming) {
              samples.add(elapsed);
            }
          }
          long injected = metrics.count(Result.INJECTED, false) - injectedBefore;
          if (injected != (registered ? n : 0)) {
            throw new IllegalStateException(
                "expected " + (registered ? n : 0) + " injections, the webhook made " + injected);
          }
          // Outside the timing: an ever-growing namespace would slow later rounds.
          client.pods().inNamespace(CREATE_NAMESPACE).delete();
        }
        System.err.printf(
            "[bench] API server round %s done%n", warming ? "warm-up" : String.valueOf(round + 1));
      }
      verifyStoredInjected(client, body);
    } finally {
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName("outrigger-bench")
          .delete();
    }
    Percentiles w = Percentiles.of(with);
    Percentiles wo = Percentiles.of(without);
    String result =
        String.format(
            "creates=%d%nwithout_p50_ms=%.2f%nwithout_p99_ms=%.2f%nwithout_mean_ms=%.2f%n"
                + "with_p50_ms=%.2f%nwith_p99_ms=%.2f%nwith_mean_ms=%.2f%n"
                + "server=%s.%s%nreview_bytes=%d%n",
            w.count(),
            wo.p50Ms(),
            wo.p99Ms(),
            wo.meanMs(),
            w.p50Ms(),
            w.p99Ms(),
            w.meanMs(),
            version.getMajor(),
            version.getMinor(),
            Files.size(out.resolve(body.size() + ".json")));
    Files.writeString(out.resolve("apiserver.properties"), result);
    System.err.print(result);
  }

  /**
   * One last create with the webhook still on (each round ends registered), read back: the timed
   * creates were injected.
   */
  private static void verifyStoredInjected(KubernetesClient client, Body body) {
    Pod pod = body.podIn(CREATE_NAMESPACE, "create-check");
    client.pods().inNamespace(CREATE_NAMESPACE).resource(pod).create();
    Pod stored = client.pods().inNamespace(CREATE_NAMESPACE).withName("create-check").get();
    if (!"true".equals(stored.getMetadata().getLabels().get(Names.INJECTED))) {
      throw new IllegalStateException("the stored pod is not injected");
    }
  }

  private static void setRegistered(
      KubernetesClient client,
      TestCertificates ca,
      int port,
      AdmissionMetrics metrics,
      boolean registered)
      throws Exception {
    if (registered) {
      register(client, ca, "outrigger-bench", port, "create");
    } else {
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName("outrigger-bench")
          .delete();
    }
    // The API server learns of the change a moment later: dry-run probes until it shows.
    awaitTrue(
        () -> {
          long before = total(metrics);
          dryRunProbe(client, CREATE_NAMESPACE);
          return (total(metrics) > before) == registered;
        },
        registered ? "the webhook is called" : "the webhook is no longer called");
  }

  private static long total(AdmissionMetrics metrics) {
    long total = 0;
    for (Result result : Result.values()) {
      total += metrics.count(result);
    }
    return total;
  }

  private static void register(
      KubernetesClient client, TestCertificates ca, String name, int port, String selector)
      throws Exception {
    MutatingWebhookConfiguration config =
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .addNewWebhook()
            .withName("inject.outrigger.io")
            .withNewClientConfig()
            .withUrl("https://127.0.0.1:" + port + "/mutate")
            .withCaBundle(
                Base64.getEncoder().encodeToString(ca.caPem().getBytes(StandardCharsets.US_ASCII)))
            .endClientConfig()
            .addNewRule()
            .withOperations("CREATE")
            .withApiGroups("")
            .withApiVersions("v1")
            .withResources("pods")
            .endRule()
            .withNewNamespaceSelector()
            .withMatchLabels(Map.of(SELECTOR_LABEL, selector))
            .endNamespaceSelector()
            .withSideEffects("None")
            .withAdmissionReviewVersions("v1")
            // Fail: a webhook that is silently skipped would make "with" look free.
            .withFailurePolicy("Fail")
            .withTimeoutSeconds(10)
            .endWebhook()
            .build();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(config)
        .createOr(c -> c.update());
  }

  private static void namespace(KubernetesClient client, String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("timed out waiting until " + what);
  }
}
