package io.outrigger.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.it.ApiServer;
import io.outrigger.operator.reconciler.ReconcileMetrics;
import io.outrigger.operator.report.ReportMetrics;
import io.outrigger.testing.RealKubeApiServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java side of {@code bench/operator.sh} (not a test: run with {@code java -cp}). Against the
 * real kube-apiserver: stores POLICIES policies and PODS injected pods over NAMESPACES namespaces
 * ({@link BenchCluster}), starts the operator in this JVM (reconciler, report endpoint on HTTPS),
 * lets every sidecar report once and times until every policy's status is right, then runs the
 * sidecars' heartbeats for a while and counts what the API server was asked to write.
 *
 * <pre>
 * OperatorBenchmark NAMESPACES POLICIES PODS HEARTBEAT_SECONDS STEADY_SECONDS CONCURRENCY TOKENS
 *   TOKENS: pod (a token per pod, bound to it, as the kubelet mints) or namespace (one per namespace)
 * </pre>
 */
public final class OperatorBenchmark {
  private OperatorBenchmark() {}

  /** Counts the operator's reconciles and status writes, as its Micrometer metrics would. */
  static final class Counting implements ReconcileMetrics {
    final AtomicLong reconciles = new AtomicLong();
    final AtomicLong statusWrites = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    @Override
    public void reconciled(long elapsedNanos) {
      reconciles.incrementAndGet();
    }

    @Override
    public void error() {
      errors.incrementAndGet();
    }

    @Override
    public void statusWrite() {
      statusWrites.incrementAndGet();
    }

    @Override
    public void missed(String namespace, String policy, int pods) {}
  }

  /** CPU time so far of this JVM (operator and simulated sidecars) and of the API server, etcd. */
  record Cpu(double jvm, double apiserver, double etcd) {
    static Cpu now() {
      double jvm =
          ((com.sun.management.OperatingSystemMXBean)
                      java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                  .getProcessCpuTime()
              / 1e9;
      return new Cpu(jvm, child("kube-apiserver"), child("etcd"));
    }

    private static double child(String name) {
      return ProcessHandle.current()
          .descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
          .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(0.0))
          .sum();
    }

    Cpu minus(Cpu before) {
      return new Cpu(jvm - before.jvm, apiserver - before.apiserver, etcd - before.etcd);
    }

    @Override
    public String toString() {
      return "CPU seconds: this JVM (operator + simulated sidecars) %.1f, kube-apiserver %.1f, etcd %.1f"
          .formatted(jvm, apiserver, etcd);
    }
  }

  public static void main(String[] args) throws Exception {
    int namespaces = Integer.parseInt(args[0]);
    int policies = Integer.parseInt(args[1]);
    int pods = Integer.parseInt(args[2]);
    Duration heartbeat = Duration.ofSeconds(Long.parseLong(args[3]));
    Duration steady = Duration.ofSeconds(Long.parseLong(args[4]));
    int concurrency = Integer.parseInt(args[5]);
    boolean tokenPerPod = !"namespace".equals(args[6]);
    try {
      run(namespaces, policies, pods, heartbeat, steady, concurrency, tokenPerPod);
    } finally {
      // The API server's shutdown hook stops it; the Fabric8 client leaves non-daemon threads.
      System.exit(0);
    }
  }

  private static void log(String message) {
    System.err.println("[bench/operator] " + message);
  }

  private static void run(
      int namespaces,
      int policies,
      int pods,
      Duration heartbeat,
      Duration steady,
      int concurrency,
      boolean tokenPerPod)
      throws Exception {
    KubernetesClient admin = RealKubeApiServer.client();
    ApiServer.applyCrd(admin);
    ApiServer.namespace(admin, ApiServer.OPERATOR_NAMESPACE);

    log("storing " + policies + " policies, " + pods + " pods over " + namespaces + " namespaces");
    long setupStart = System.nanoTime();
    BenchCluster cluster = BenchCluster.create(admin, namespaces, policies, pods, tokenPerPod, 16);
    log(
        "stored in %.1f s (%d sidecars with tokens)"
            .formatted(seconds(System.nanoTime() - setupStart), cluster.sidecars.size()));

    Path dir = Files.createTempDirectory("outrigger-operator-bench");
    TlsMaterial tls = ApiServer.loopbackTls(dir, "localhost");

    StatusWriteLog writeLog = StatusWriteLog.start(admin);
    KubernetesClient operatorClient = RealKubeApiServer.client();
    Counting metrics = new Counting();
    OperatorSettings settings =
        new OperatorSettings(
            "registry.local/outrigger-sidecar",
            ApiServer.VERSION,
            ApiServer.OPERATOR_NAMESPACE,
            Set.of(),
            OperatorSettings.DEFAULT_REPORT_TTL,
            OperatorSettings.DEFAULT_STATUS_INTERVAL);

    // t0: the operator starts with everything already stored (a restart, or an install into a
    // cluster full of injected pods); the sidecars report at once.
    log("starting the operator; every sidecar reports once");
    ApiServerRequests beforeStart = ApiServerRequests.scrape(admin);
    long t0 = System.nanoTime();
    Cpu cpu0 = Cpu.now();
    OutriggerOperator operator =
        OutriggerOperator.start(
            operatorClient,
            settings,
            metrics,
            ReportMetrics.NONE,
            Optional.empty(),
            Clock.systemUTC());
    OperatorHttpsServer server =
        ApiServer.https(
            operator, dir.resolve("tls.crt"), dir.resolve("tls.key"), Optional.empty(), 32);
    long started = System.nanoTime();
    SidecarFleet fleet =
        new SidecarFleet(
            URI.create("https://127.0.0.1:" + server.reportPort() + "/v1/reports"),
            tls.caBundle(),
            concurrency);
    Thread burst =
        new Thread(
            () -> {
              try {
                fleet.burst(cluster.sidecars);
                log(
                    "all %d reports answered %.1f s after the start"
                        .formatted(cluster.sidecars.size(), seconds(System.nanoTime() - t0)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    burst.start();

    long podsRight = -1;
    long allRight = -1;
    long deadline = t0 + Duration.ofMinutes(5).toNanos();
    int lastRight = -1;
    while (allRight < 0 && System.nanoTime() < deadline) {
      Thread.sleep(250);
      List<ObservabilityPolicy> stored =
          admin.resources(ObservabilityPolicy.class).inAnyNamespace().list().getItems();
      int podsOk = 0;
      int allOk = 0;
      for (ObservabilityPolicy policy : stored) {
        BenchCluster.Expected expected =
            cluster.expected.get(
                policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName());
        if (expected == null) {
          continue;
        }
        podsOk += expected.podsMetBy(policy.getStatus()) ? 1 : 0;
        allOk += expected.metBy(policy.getStatus()) ? 1 : 0;
      }
      long now = System.nanoTime();
      if (podsRight < 0 && podsOk == cluster.expected.size()) {
        podsRight = now - t0;
      }
      if (allOk == cluster.expected.size()) {
        allRight = now - t0;
      }
      if (allOk != lastRight) {
        log(
            "%5.1f s: %d/%d statuses right (pod counts right: %d)"
                .formatted(seconds(now - t0), allOk, cluster.expected.size(), podsOk));
        lastRight = allOk;
      }
    }
    burst.join();
    String convergeAnswers = fleet.answers.toString();
    Cpu convergeCpu = Cpu.now().minus(cpu0);
    long convergeReconciles = metrics.reconciles.get();
    long convergeWrites = metrics.statusWrites.get();
    // First reports verified locally need none; the rest are the fallback's round trips.
    double convergeTokenReviews =
        ApiServerRequests.scrape(admin).since(beforeStart).get("POST tokenreviews");

    // Steady state: heartbeats from every sidecar, nothing else changes. One interval of warm-up
    // so the rate is even, then the measured window.
    log(
        "heartbeats every %d s from %d sidecars; warm-up %d s, then %d s measured"
            .formatted(
                heartbeat.toSeconds(),
                cluster.sidecars.size(),
                heartbeat.toSeconds(),
                steady.toSeconds()));
    fleet.heartbeat(cluster.sidecars, heartbeat);
    Thread.sleep(heartbeat.toMillis());
    ApiServerRequests before = ApiServerRequests.scrape(admin);
    long reconcilesBefore = metrics.reconciles.get();
    long writesBefore = metrics.statusWrites.get();
    long accepted = fleet.answered(202);
    long w0 = System.nanoTime();
    Cpu steadyCpu0 = Cpu.now();
    Thread.sleep(steady.toMillis());
    long w1 = System.nanoTime();
    Cpu steadyCpu = Cpu.now().minus(steadyCpu0);
    ApiServerRequests during = ApiServerRequests.scrape(admin).since(before);
    long reports = fleet.answered(202) - accepted;
    long reconcilesDuring = metrics.reconciles.get() - reconcilesBefore;
    long operatorWrites = metrics.statusWrites.get() - writesBefore;
    fleet.close();

    double minutes = (w1 - w0) / 60e9;
    long watchedWrites = writeLog.count(w0, w1);
    int busiest = writeLog.busiestWindow(w0, w1, Duration.ofSeconds(5));
    int policyCount = cluster.expected.size();
    double perPolicyPer5s = watchedWrites / (double) policyCount / ((w1 - w0) / 5e9);

    System.out.println();
    System.out.printf(
        "== Convergence: %d policies, %d pods in %d namespaces, operator started with all of it"
            + " stored, %d sidecars report at once (%d in flight)%n",
        policyCount,
        cluster.sidecars.size(),
        cluster.namespaces.size(),
        cluster.sidecars.size(),
        concurrency);
    System.out.printf("%-52s %10s%n", "", "seconds");
    System.out.printf(
        "%-52s %10.1f%n", "operator objects built (informers, HTTPS)", seconds(started - t0));
    System.out.printf(
        "%-52s %10s%n",
        "pod counts right in every status",
        podsRight < 0 ? "NOT" : "%.1f".formatted(seconds(podsRight)));
    System.out.printf(
        "%-52s %10s%n",
        "everything right (counts + reported errors)",
        allRight < 0 ? "NOT" : "%.1f".formatted(seconds(allRight)));
    System.out.printf(
        "reconciles until then: %d, status writes: %d; report answers: %s, transport failures: %d%n",
        convergeReconciles, convergeWrites, convergeAnswers, fleet.failures.get());
    System.out.printf(
        "TokenReviews until then (first reports not verified locally): %.0f%n",
        convergeTokenReviews);
    System.out.println(convergeCpu);

    System.out.println();
    System.out.printf(
        "== Steady state: heartbeats every %d s from %d sidecars, %.0f s measured (%d reports"
            + " accepted, %.0f/s)%n",
        heartbeat.toSeconds(),
        cluster.sidecars.size(),
        (w1 - w0) / 1e9,
        reports,
        reports / ((w1 - w0) / 1e9));
    System.out.printf(
        "%-44s %12s %12s%n",
        "API server writes (apiserver_request_total)", "requests", "per minute");
    for (Map.Entry<String, Double> e : during.writes().entrySet()) {
      System.out.printf("%-44s %12.0f %12.1f%n", e.getKey(), e.getValue(), e.getValue() / minutes);
    }
    double statusWrites =
        during.get("PATCH observabilitypolicies/status")
            + during.get("PUT observabilitypolicies/status")
            + during.get("APPLY observabilitypolicies/status");
    double total = during.writes().values().stream().mapToDouble(Double::doubleValue).sum();
    double tokenReviews = during.get("POST tokenreviews");
    System.out.printf("%-44s %12.0f %12.1f%n", "all writes", total, total / minutes);
    System.out.printf(
        "%-44s %12.0f %12.1f%n",
        "all writes but TokenReviews (not stored)",
        total - tokenReviews,
        (total - tokenReviews) / minutes);
    System.out.println();
    System.out.printf(
        "status writes: %.0f by the API server's count, %d seen by a watch, %d by the operator;"
            + " reconciles %d%n",
        statusWrites, watchedWrites, operatorWrites, reconcilesDuring);
    System.out.printf(
        "status writes per policy per 5 s: mean %.3f, busiest 5 s of any policy %d%n",
        perPolicyPer5s, busiest);
    System.out.println(steadyCpu);

    System.out.println();
    System.out.println("== Goals");
    System.out.printf(
        "converge <= 30 s: %s (%s s)%n",
        allRight >= 0 && allRight <= 30e9 ? "met" : "NOT met",
        allRight < 0 ? "never" : "%.1f".formatted(seconds(allRight)));
    System.out.printf(
        "<= 1 status write per policy per 5 s: %s (busiest policy: %d in 5 s; mean %.3f)%n",
        busiest <= 1 ? "met" : "NOT met", busiest, perPolicyPer5s);

    writeLog.close();
    server.close();
    operator.close();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
