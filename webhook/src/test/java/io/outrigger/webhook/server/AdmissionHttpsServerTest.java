package io.outrigger.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.NodeKubelet;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.admission.ClusterView;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone HTTPS server on loopback, with a real TLS client trusting only the test CA. */
class AdmissionHttpsServerTest {

  private static final String GOOD_REVIEW =
      """
      {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
       "request": {"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                   "namespace": "shop", "operation": "CREATE",
                   "object": {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}}}
      """;

  @TempDir Path certs;
  private TestCertificates ca;
  private AdmissionHttpsServer server;
  private final AdmissionMetrics metrics = new AdmissionMetrics();

  @BeforeEach
  void start() throws Exception {
    ca = new TestCertificates();
    ca.writeServing(certs, "first");
    ClusterView empty =
        new ClusterView() {
          @Override
          public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
          }

          @Override
          public List<EffectivePolicy> policies(String namespace) {
            return List.of();
          }

          @Override
          public Optional<List<NodeKubelet>> kubelets() {
            return Optional.empty();
          }
        };
    AdmissionHandler handler =
        new AdmissionHandler(
            empty, new ClusterFacts(1, 20, "img:1", "1", "outrigger-system"), metrics);
    server =
        AdmissionHttpsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            certs.resolve("tls.crt"),
            certs.resolve("tls.key"),
            handler,
            4);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A new client per call: a fresh TLS handshake, so the served certificate is the current one. */
  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String servedName(HttpResponse<?> response) throws Exception {
    X509Certificate cert =
        (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    return cert.getSubjectX500Principal().getName();
  }

  @Test
  void aMalformedReviewGets400AndTheNextGoodOneSucceeds() throws Exception {
    HttpResponse<String> bad = send("POST", "/mutate", "{\"apiVersion\": ");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).startsWith("body is not JSON");

    HttpResponse<String> good = send("POST", "/mutate", GOOD_REVIEW);
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(good.body()).contains("\"uid\":\"u-1\"").contains("\"allowed\":true");

    HttpResponse<String> scrape = send("GET", "/metrics", null);
    assertThat(scrape.body())
        .contains("outrigger_webhook_admissions_total{result=\"malformed\",dry_run=\"false\"} 1")
        .contains("outrigger_webhook_admissions_total{result=\"skipped\",dry_run=\"false\"} 1");
  }

  @Test
  void onlyPostIsAccepted() throws Exception {
    assertThat(send("GET", "/mutate", null).statusCode()).isEqualTo(405);
    assertThat(send("GET", "/healthz", null).body()).isEqualTo("ok\n");
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    assertThat(servedName(send("GET", "/healthz", null))).isEqualTo("CN=first");

    ca.writeServing(certs, "second");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(servedName(send("GET", "/healthz", null))).isEqualTo("CN=second"));
  }

  @Test
  void anUnreadableCertificateKeepsThePreviousOneInService() throws Exception {
    Files.writeString(certs.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\nhalf");

    HttpResponse<String> response = send("POST", "/mutate", GOOD_REVIEW);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(servedName(response)).isEqualTo("CN=first");

    ca.writeServing(certs, "third");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(servedName(send("GET", "/healthz", null))).isEqualTo("CN=third"));
  }
}
