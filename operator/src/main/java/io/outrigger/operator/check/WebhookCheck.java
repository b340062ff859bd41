package io.outrigger.operator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The chart's {@code helm test}: posts one AdmissionReview to the webhook the way the API server
 * does (HTTPS, the certificate checked against the webhook's CA and the URL's host name) and checks
 * the answer. The pod under review is in the operator's own namespace, which is never injected, so
 * the expected answer is "allowed, unchanged" and nothing in the cluster is touched. Runs as a
 * plain main in the operator image ({@code java -cp app/*:lib/main/*}), no Quarkus.
 */
public final class WebhookCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookCheck() {}

  /** {@code <url> <ca.crt> <operator namespace>}; exit 0 when the webhook answered as it must. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println(
          "usage: WebhookCheck <https://service.namespace.svc/mutate> <ca.crt> <ns>");
      System.exit(2);
    }
    Optional<String> problem = check(URI.create(args[0]), Path.of(args[1]), args[2]);
    if (problem.isPresent()) {
      System.err.println("webhook check failed: " + problem.get());
      System.exit(1);
    }
    System.out.println("webhook check passed: " + args[0] + " answered the AdmissionReview");
  }

  /** What is wrong with the webhook's answer, or empty when it answered as it must. */
  public static Optional<String> check(URI url, Path caFile, String namespace)
      throws IOException, InterruptedException, GeneralSecurityException {
    String uid = UUID.randomUUID().toString();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(trusting(caFile))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(review(uid, namespace)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return Optional.of("no answer from " + url + ": " + e);
    }
    return judge(response.statusCode(), response.body(), uid);
  }

  /** The rules an answer must meet: 200, an AdmissionReview for our uid, allowed, no patch. */
  static Optional<String> judge(int status, String body, String uid) {
    if (status != 200) {
      return Optional.of("HTTP " + status + ": " + body);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException e) {
      return Optional.of("the answer is not JSON: " + body);
    }
    JsonNode response = answer.path("response");
    if (!"AdmissionReview".equals(answer.path("kind").asText())) {
      return Optional.of("the answer is not an AdmissionReview: " + body);
    }
    if (!uid.equals(response.path("uid").asText())) {
      return Optional.of("the answer is for uid " + response.path("uid") + ", not " + uid);
    }
    if (!response.path("allowed").asBoolean(false)) {
      return Optional.of("the pod was not allowed: " + response);
    }
    if (response.has("patch")) {
      return Optional.of("a pod of the operator's namespace was patched: " + response);
    }
    return Optional.empty();
  }

  static String review(String uid, String namespace) throws IOException {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", "outrigger-webhook-check").put("namespace", namespace);
    pod.putObject("spec").putArray("containers").addObject().put("name", "check").put("image", "x");
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", uid);
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.put("namespace", namespace).put("operation", "CREATE").put("dryRun", true);
    request.putObject("userInfo").put("username", "system:serviceaccount:helm-test");
    request.set("object", pod);
    return JSON.writeValueAsString(review);
  }

  private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
