package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random policies, pods and clusters for property tests. Values are drawn from pools that
 * mix the ordinary with the edges each side parses differently (IPv6 and odd CIDR spellings,
 * reserved and duplicate ports, named and unnamed ports, every probe kind, override annotations
 * good and bad), so a disagreement between the validator, the webhook and the sidecar shows up.
 */
final class RandomPolicies {
  private RandomPolicies() {}

  private static final List<Object> APP_PORTS =
      List.of(80, 443, 8080, 8443, 9090, 9100, 5000, 15000, 15006, 15019, 15020, 0, 70000);
  private static final List<Object> SKIP_PORTS = List.of(9100, 8080, 9090, 5000, 443);
  private static final List<Object> CIDRS =
      List.of(
          "10.0.0.0/8",
          "10.96.0.0/12",
          "192.168.0.0/16",
          "169.254.169.254/32",
          "169.254.169.254",
          "0.0.0.0/0",
          "fd00::/8",
          "::1/128",
          "2001:db8::/32",
          "::ffff:10.0.0.0/104",
          "10.0.0.0/+8",
          "10.0.0.0/08",
          "10.0.0.0/-0",
          "010.0.0.0/8",
          "10.0.0.0/33",
          "256.0.0.0/8",
          " 10.1.0.0/16",
          "10.0.0.0/ 8",
          "10.0.0.0");
  private static final List<Object> TOKEN_HOSTS =
      List.of(
          "api.example.com", "*.billing.svc", "10.0.0.5", "fd00::5", "*", "api.example.com:443");
  private static final List<Object> OUTBOUND_PORTS = List.of(5432, 6379, 3306, 65535, 0, 1);

  static Map<String, Object> spec(Random random) {
    Map<String, Object> spec = new LinkedHashMap<>();
    Map<String, Object> injection = new LinkedHashMap<>();
    maybe(random, injection, "interception", pick(random, "iptables", "port", "none"));
    maybe(random, injection, "sidecarMode", pick(random, "auto", "native", "classic"));
    maybe(random, injection, "inboundPorts", some(random, APP_PORTS, 4));
    maybe(random, injection, "skipInboundPorts", some(random, SKIP_PORTS, 3));
    maybe(random, injection, "captureOutbound", random.nextBoolean());
    maybe(random, injection, "excludeOutboundCIDRs", some(random, CIDRS, 3));
    maybe(random, injection, "excludeOutboundPorts", some(random, OUTBOUND_PORTS, 3));
    maybe(random, spec, "injection", injection);
    Map<String, Object> proxy = new LinkedHashMap<>();
    if (random.nextInt(5) == 0) {
      proxy.put("enabled", random.nextBoolean());
    }
    if (random.nextInt(4) == 0) {
      List<Object> destinations = new ArrayList<>();
      for (Object host : some(random, TOKEN_HOSTS, 2)) {
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("host", host);
        maybe(random, destination, "port", pick(random, 443, 8080, 0));
        maybe(random, destination, "allowPlainHttp", random.nextBoolean());
        destinations.add(destination);
      }
      proxy.put(
          "outbound",
          Map.of(
              "bearerTokenFile",
              "/var/run/secrets/outrigger/token",
              "bearerTokenDestinations",
              destinations));
    }
    if (!proxy.isEmpty()) {
      spec.put("proxy", proxy);
    }
    if (random.nextInt(3) == 0) {
      spec.put("metrics", Map.of("scrape", Map.of("port", pick(random, 9100, 8080, 15020))));
    }
    if (random.nextInt(3) == 0) {
      spec.put("health", Map.of("rewriteProbes", random.nextBoolean()));
    }
    if (random.nextInt(4) == 0) {
      spec.put(
          "logs",
          Map.of("paths", List.of("/var/log/app/*.log"), "outputs", Map.of("stdout", true)));
    }
    return spec;
  }

  static Pod pod(Random random) {
    Map<String, String> annotations = new LinkedHashMap<>();
    maybeAnnotate(
        random, annotations, Names.INBOUND_PORTS, "8080", "8080,9090", "9090,8080", "http");
    maybeAnnotate(random, annotations, Names.SKIP_INBOUND_PORTS, "9100", "8080", "8080,9090");
    maybeAnnotate(random, annotations, Names.INTERCEPTION, "iptables", "port", "none", "ebpf");
    maybeAnnotate(random, annotations, Names.METRICS_PORT, "9100", "15020", "metrics");
    maybeAnnotate(random, annotations, Names.NATIVE_SIDECAR, "true", "false", "maybe");
    maybeAnnotate(random, annotations, "prometheus.io/port", "9100", "8080", "15020", "x");
    List<Map<String, Object>> containers = new ArrayList<>();
    int count = 1 + random.nextInt(2);
    for (int c = 0; c < count; c++) {
      containers.add(container(random, "app" + c, c));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("containers", containers);
    if (random.nextInt(4) == 0) {
      spec.put("restartPolicy", pick(random, "Never", "OnFailure", "Always"));
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "checkout-" + random.nextInt(1000));
    metadata.put("namespace", "shop");
    metadata.put("labels", Map.of(Names.INJECT, "true", "app", "checkout"));
    metadata.put("annotations", annotations);
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.put("metadata", metadata);
    pod.put("spec", spec);
    return Serialization.jsonMapper().convertValue(pod, Pod.class);
  }

  static ClusterFacts facts(Random random) {
    ClusterFacts facts =
        new ClusterFacts(
            1,
            (int) pick(random, 20, 28, 29, 30),
            "ghcr.io/outrigger/sidecar:0.1.0",
            "0.1.0",
            "outrigger-system");
    facts = facts.withKubelets(kubelets(random));
    return random.nextBoolean()
        ? facts
        : facts.withReportUrl("https://outrigger-operator.outrigger-system.svc:8443/v1/reports");
  }

  private static final List<Object> KUBELET_VERSIONS =
      List.of("v1.30.2", "v1.29.0", "v1.31.1+k3s1", "v1.28.5-eks-5e0fdde", "v1.27.9", "v1.30", "");

  /** Nodes not listed, none, or up to four of mixed versions. */
  static List<NodeKubelet> kubelets(Random random) {
    int kind = random.nextInt(6);
    if (kind == 0) {
      return null;
    }
    if (kind == 1) {
      return List.of();
    }
    List<NodeKubelet> nodes = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      nodes.add(
          new NodeKubelet(
              "node-" + i,
              Map.of("pool", i % 2 == 0 ? "new" : "old"),
              (String) pick(random, KUBELET_VERSIONS.toArray())));
    }
    return nodes;
  }

  /** Ports named per container index, so two containers never declare the same name. */
  private static Map<String, Object> container(Random random, String name, int index) {
    List<Map<String, Object>> ports = new ArrayList<>();
    List<Object> numbers = some(random, List.of(8080, 9090, 9100, 8443, 53, 15020), 3);
    for (Object number : numbers) {
      if ((int) number == 15020 && random.nextInt(4) != 0) {
        continue; // a sidecar port in the app keeps the pod uninjected; keep that rare
      }
      Map<String, Object> port = new LinkedHashMap<>();
      port.put("containerPort", number);
      if (random.nextInt(3) != 0) {
        port.put("name", "p" + index + "-" + number);
      }
      if ((int) number == 53) {
        port.put("protocol", "UDP");
      }
      ports.add(port);
    }
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", name);
    container.put("image", "shop/checkout:1");
    container.put("ports", ports);
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (random.nextInt(3) == 0) {
        container.put(probe, probe(random, ports));
      }
    }
    return container;
  }

  private static Map<String, Object> probe(Random random, List<Map<String, Object>> ports) {
    Object port = 8080;
    if (!ports.isEmpty()) {
      Map<String, Object> chosen = ports.get(random.nextInt(ports.size()));
      port =
          chosen.containsKey("name") && random.nextBoolean()
              ? chosen.get("name")
              : chosen.get("containerPort");
    }
    Map<String, Object> probe = new LinkedHashMap<>();
    switch (random.nextInt(4)) {
      case 0 -> probe.put("httpGet", Map.of("path", "/healthz", "port", port));
      case 1 -> probe.put("tcpSocket", Map.of("port", port));
      case 2 -> probe.put("grpc", Map.of("port", port instanceof Integer number ? number : 9090));
      default -> probe.put("exec", Map.of("command", List.of("true")));
    }
    probe.put("timeoutSeconds", 1 + random.nextInt(3));
    return probe;
  }

  private static void maybe(Random random, Map<String, Object> map, String key, Object value) {
    if (random.nextBoolean()) {
      map.put(key, value);
    }
  }

  private static void maybeAnnotate(
      Random random, Map<String, String> annotations, String key, String... values) {
    if (random.nextInt(4) == 0) {
      annotations.put(key, values[random.nextInt(values.length)]);
    }
  }

  private static Object pick(Random random, Object... values) {
    return values[random.nextInt(values.length)];
  }

  /** Up to {@code max} values from the pool, in random order, possibly repeated. */
  private static List<Object> some(Random random, List<Object> pool, int max) {
    List<Object> values = new ArrayList<>();
    int count = random.nextInt(max + 1);
    for (int i = 0; i < count; i++) {
      values.add(pool.get(random.nextInt(pool.size())));
    }
    return values;
  }
}
