package io.outrigger.operator.report;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Sends a report that reached a standby replica on to the replica holding the Lease, unchanged: the
 * same body and the sidecar's own bearer token, so the leader authenticates it exactly as if the
 * sidecar had called it, and the sidecar gets the leader's answer (202, 401, 403, 400). Only the
 * leader reconciles, so only its report store reaches a status (ADR 0005). A standby forwards only
 * reports it authenticated itself ({@link ReportIntake}), so unauthenticated clients cannot make it
 * open connections to the leader.
 *
 * <p>The leader is known from the election (every replica is told of a new leader), its address
 * from its pod: the Lease identity is the pod name, the pod's IP and its container port named
 * {@code reports}. The peer is trusted as described in {@link PeerTrust}.
 */
public final class ReportForwarder {
  private static final Logger LOG = Logger.getLogger(ReportForwarder.class.getName());

  /** Marks a forwarded report: it is taken where it lands, never forwarded twice. */
  public static final String FORWARDED_BY = "X-Outrigger-Forwarded-By";

  /** The container port the replicas serve reports on. */
  public static final String PORT_NAME = "reports";

  private final String self;
  private final Function<String, Optional<URI>> addresses;
  private final HttpClient http;
  private final Map<String, URI> resolved = new ConcurrentHashMap<>();
  private volatile String leader;

  /**
   * @param self this replica's Lease identity
   * @param addresses the report URL of a replica, by its identity
   * @param trust how the leader's certificate is checked
   */
  public ReportForwarder(String self, Function<String, Optional<URI>> addresses, PeerTrust trust)
      throws GeneralSecurityException {
    this.self = self;
    this.addresses = addresses;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(trust.context())
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** The election's news: {@code identity} holds the Lease now. */
  public void leaderChanged(String identity) {
    leader = identity;
  }

  /**
   * The leader's answer to the report, or empty when this replica takes the report itself: it
   * leads, or the report was forwarded to it already.
   */
  public Optional<ReportIntake.Answer> forward(
      String authorization, byte[] body, String forwardedBy) {
    String current = leader;
    if (forwardedBy != null || self.equals(current)) {
      return Optional.empty();
    }
    if (current == null) {
      return Optional.of(new ReportIntake.Answer(503, "no leader elected yet; retry"));
    }
    Optional<URI> target = Optional.ofNullable(resolved.get(current)).or(() -> resolve(current));
    if (target.isEmpty()) {
      return Optional.of(
          new ReportIntake.Answer(503, "the leader " + current + " has no address yet; retry"));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.get())
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(FORWARDED_BY, self)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return Optional.of(
          new ReportIntake.Answer(
              answer.statusCode(),
              answer.body().strip(),
              answer.headers().firstValue("Content-Type").orElse(ReportIntake.Answer.TEXT)));
    } catch (IOException e) {
      // The leader may have moved (its pod restarted with another IP): look it up again next time.
      resolved.remove(current, target.get());
      LOG.log(Level.WARNING, "forwarding a report to the leader " + current + " failed: " + e);
      return Optional.of(
          new ReportIntake.Answer(503, "the leader " + current + " is not reachable; retry"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new ReportIntake.Answer(503, "interrupted; retry"));
    }
  }

  private Optional<URI> resolve(String identity) {
    Optional<URI> uri;
    try {
      uri = addresses.apply(identity);
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "cannot look up the leader " + identity + ": " + e.getMessage());
      return Optional.empty();
    }
    uri.ifPresent(u -> resolved.put(identity, u));
    return uri;
  }

  /**
   * Replica addresses from their pods in {@code namespace}: the pod named like the identity, its
   * IP, its container port named {@value #PORT_NAME} (else {@code defaultPort}).
   */
  public static Function<String, Optional<URI>> fromPods(
      KubernetesClient client, String namespace, int defaultPort) {
    return identity ->
        Optional.ofNullable(client.pods().inNamespace(namespace).withName(identity).get())
            .flatMap(pod -> reportUri(pod, defaultPort));
  }

  /** {@code https://<pod IP>:<port named reports>/v1/reports}; empty while the pod has no IP. */
  static Optional<URI> reportUri(Pod pod, int defaultPort) {
    if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
      return Optional.empty();
    }
    int port =
        pod.getSpec() == null
            ? defaultPort
            : pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
                .filter(p -> PORT_NAME.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(defaultPort);
    String ip = pod.getStatus().getPodIP();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return Optional.of(URI.create("https://" + host + ":" + port + "/v1/reports"));
  }
}
