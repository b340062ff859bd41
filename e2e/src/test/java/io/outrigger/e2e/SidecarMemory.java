package io.outrigger.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sidecar containers' memory as the kubelet reports it (its summary API, read through the API
 * server's node proxy, as metrics-server reads it): the cgroup working set, the figure the kubelet
 * evicts by and the one {@code kubectl top} shows.
 */
final class SidecarMemory {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SidecarMemory() {}

  /**
   * Working set in bytes of each {@code outrigger-sidecar} container of {@code namespace}, by pod.
   */
  static Map<String, Long> workingSets(KubernetesClient client, String node, String namespace)
      throws Exception {
    JsonNode summary = JSON.readTree(client.raw("/api/v1/nodes/" + node + "/proxy/stats/summary"));
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (JsonNode pod : summary.path("pods")) {
      if (!namespace.equals(pod.path("podRef").path("namespace").asText())) {
        continue;
      }
      for (JsonNode container : pod.path("containers")) {
        if ("outrigger-sidecar".equals(container.path("name").asText())) {
          bytes.put(
              pod.path("podRef").path("name").asText(),
              container.path("memory").path("workingSetBytes").asLong());
        }
      }
    }
    return bytes;
  }

  /**
   * CPU in cores of every container on the node ({@code namespace/pod/container}) and of the node
   * as a whole ({@code node}), as the kubelet's summary reports them (a ~10 s average): where the
   * CPU goes while the load runs.
   */
  static Map<String, Double> cpuCores(KubernetesClient client, String node) throws Exception {
    JsonNode summary = JSON.readTree(client.raw("/api/v1/nodes/" + node + "/proxy/stats/summary"));
    Map<String, Double> cores = new LinkedHashMap<>();
    cores.put("node", summary.path("node").path("cpu").path("usageNanoCores").asLong() / 1e9);
    for (JsonNode pod : summary.path("pods")) {
      String name =
          pod.path("podRef").path("namespace").asText()
              + "/"
              + pod.path("podRef").path("name").asText();
      for (JsonNode container : pod.path("containers")) {
        cores.put(
            name + "/" + container.path("name").asText(),
            container.path("cpu").path("usageNanoCores").asLong() / 1e9);
      }
    }
    return cores;
  }

  static String mebibytes(long bytes) {
    return String.format("%.0f MiB", bytes / 1048576.0);
  }
}
