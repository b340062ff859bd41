package io.outrigger.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.sidecar.it.PrometheusServer;
import io.outrigger.sidecar.it.ZipkinServer;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The receivers the injected pods send to, each a real one where one exists here: Zipkin (its own
 * server), Prometheus (Debian's, scraping the pods the annotation-driven pod job finds, see {@link
 * #discoverPods}) and a Forward receiver that decodes every frame with msgpack (no Fluentd here).
 * They run on the node's host, not in pods (their images would need a registry), and are in the
 * cluster as Services without a selector whose Endpoints name the node's address: a sidecar reaches
 * {@code fluentd.logging.svc.cluster.local:24224} and {@code
 * zipkin.observability.svc.cluster.local:9411} through kube-proxy and the cluster DNS, as it would
 * reach receivers running in pods.
 */
final class Receivers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FORWARD_HOST = "fluentd.logging.svc.cluster.local";
  static final String ZIPKIN_SPANS =
      "http://zipkin.observability.svc.cluster.local:9411/api/v2/spans";

  final ForwardSink forward;
  final ZipkinServer zipkin;
  final PrometheusServer prometheus;
  private final Path targets;

  private Receivers(
      ForwardSink forward, ZipkinServer zipkin, PrometheusServer prometheus, Path targets) {
    this.forward = forward;
    this.zipkin = zipkin;
    this.prometheus = prometheus;
    this.targets = targets;
  }

  /**
   * Starts the receivers on {@code outrigger.e2e.receiversAddress} (the node's address by default)
   * and names them in the cluster.
   */
  static Receivers start(KubernetesClient client) throws Exception {
    InetAddress address =
        InetAddress.getByName(System.getProperty("outrigger.e2e.receiversAddress", "198.51.100.1"));
    Path targets = Files.createTempDirectory("e2e-targets").resolve("targets.json");
    Files.writeString(targets, "[]");
    Receivers receivers =
        new Receivers(
            ForwardSink.startOn(address),
            ZipkinServer.start(),
            PrometheusServer.withScrapeConfigs(podScrapeConfig(targets)),
            targets);
    try {
      receivers.name(client, "logging", "fluentd", 24224, address, receivers.forward.port());
      receivers.name(client, "observability", "zipkin", 9411, address, receivers.zipkin.port);
    } catch (RuntimeException e) {
      receivers.close();
      throw e;
    }
    return receivers;
  }

  /** Prometheus reads its targets from a file that {@link #discoverPods} writes. */
  private static String podScrapeConfig(Path targets) {
    return "  - job_name: injected-pods\n"
        + "    file_sd_configs: [{files: ['"
        + targets
        + "'], refresh_interval: 1s}]\n";
  }

  /**
   * Writes the scrape targets of the pods of {@code namespaces} as the usual annotation-driven pod
   * job of the Prometheus chart finds them with Kubernetes service discovery ({@code
   * prometheus.io/scrape, port, path}: the webhook pointed them at the sidecar): Debian's
   * Prometheus is built without Kubernetes discovery, so the test discovers and Prometheus reads
   * the file.
   */
  void discoverPods(KubernetesClient client, String... namespaces) throws IOException {
    ArrayNode groups = JSON.createArrayNode();
    List<Pod> pods = new ArrayList<>();
    for (String namespace : namespaces) {
      pods.addAll(client.pods().inNamespace(namespace).list().getItems());
    }
    for (Pod pod : pods) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      if (annotations == null
          || !"true".equals(annotations.get("prometheus.io/scrape"))
          || pod.getStatus().getPodIP() == null) {
        continue;
      }
      ObjectNode group = groups.addObject();
      group
          .putArray("targets")
          .add(pod.getStatus().getPodIP() + ":" + annotations.get("prometheus.io/port"));
      group
          .putObject("labels")
          .put("__metrics_path__", annotations.getOrDefault("prometheus.io/path", "/metrics"))
          .put("scraped_pod", pod.getMetadata().getName());
    }
    Path next = targets.resolveSibling("targets.json.next");
    Files.writeString(next, JSON.writeValueAsString(groups));
    Files.move(next, targets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void name(
      KubernetesClient client,
      String namespace,
      String service,
      int servicePort,
      InetAddress address,
      int port) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(service)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("receiver")
                .withProtocol("TCP")
                .withPort(servicePort)
                .withNewTargetPort(port)
                .endPort()
                .endSpec()
                .build())
        .serverSideApply();
    client
        .endpoints()
        .inNamespace(namespace)
        .resource(
            new EndpointsBuilder()
                .withNewMetadata()
                .withName(service)
                .endMetadata()
                .addNewSubset()
                .addNewAddress()
                .withIp(address.getHostAddress())
                .endAddress()
                .addNewPort()
                .withName("receiver")
                .withProtocol("TCP")
                .withPort(port)
                .endPort()
                .endSubset()
                .build())
        .serverSideApply();
  }

  @Override
  public void close() throws Exception {
    prometheus.close();
    zipkin.close();
    forward.close();
  }
}
