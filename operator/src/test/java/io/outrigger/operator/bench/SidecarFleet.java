package io.outrigger.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.config.SidecarReport;
import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.operator.it.ApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The sidecars' side of {@code POST /v1/reports}: each simulated sidecar posts its report with its
 * own token, once all together (as after an operator restart, when every sidecar has something to
 * say) or as heartbeats spread evenly over an interval (as running sidecars do). At most {@code
 * concurrency} requests are in flight.
 */
final class SidecarFleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI endpoint;
  private final Semaphore inFlight;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
  final AtomicLong failures = new AtomicLong();

  SidecarFleet(URI endpoint, String caBundle, int concurrency) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : CertificateIssuer.certificates(caBundle)) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4))
            .build();
    this.endpoint = endpoint;
    this.inFlight = new Semaphore(concurrency);
  }

  static byte[] report(BenchCluster.Sidecar sidecar) {
    try {
      return JSON.writeValueAsBytes(
          new SidecarReport(
              sidecar.namespace(),
              sidecar.pod(),
              sidecar.policy(),
              sidecar.configHash(),
              ApiServer.VERSION,
              Map.of("proxy", "ready", "metrics", sidecar.error() ? "degraded" : "ready"),
              sidecar.error()
                  ? List.of(
                      new SidecarReport.ComponentError(
                          BenchCluster.ERROR_COMPONENT, BenchCluster.ERROR_MESSAGE))
                  : List.of(),
              Map.of("requests", 12L)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Posts one report; returns when it is sent (the answer is counted when it arrives). */
  void post(BenchCluster.Sidecar sidecar, CountDownLatch done) {
    inFlight.acquireUninterruptibly();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + sidecar.token())
            .POST(HttpRequest.BodyPublishers.ofByteArray(report(sidecar)))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              inFlight.release();
              if (error != null) {
                failures.incrementAndGet();
              } else {
                answers.computeIfAbsent(response.statusCode(), c -> new LongAdder()).increment();
                if (response.statusCode() != 202 && failures.get() < 5) {
                  failures.incrementAndGet();
                  System.err.println(
                      "[bench] report answered " + response.statusCode() + ": " + response.body());
                }
              }
              if (done != null) {
                done.countDown();
              }
            });
  }

  /** Every sidecar reports once, as fast as the concurrency allows; returns when all answered. */
  void burst(List<BenchCluster.Sidecar> sidecars) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(sidecars.size());
    for (BenchCluster.Sidecar sidecar : sidecars) {
      post(sidecar, done);
    }
    done.await();
  }

  /** Every sidecar reports every {@code interval}, the fleet spread evenly over it. */
  void heartbeat(List<BenchCluster.Sidecar> sidecars, Duration interval) {
    long periodNanos = interval.toNanos();
    for (int i = 0; i < sidecars.size(); i++) {
      BenchCluster.Sidecar sidecar = sidecars.get(i);
      long phase = periodNanos * i / sidecars.size();
      scheduler.scheduleAtFixedRate(
          () -> post(sidecar, null), phase, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  long answered(int status) {
    LongAdder n = answers.get(status);
    return n == null ? 0 : n.sum();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
