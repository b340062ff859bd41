package io.outrigger.sidecar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.SidecarEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who this sidecar serves: the pod's name, namespace, node, UID, workload, labels and annotations,
 * from the downward API (env vars and the labels and annotations files the webhook mounts), and its
 * app container. Standalone, the fields fall back to the host name.
 *
 * @param workload the owning workload's name (e.g. the Deployment), or the pod name when unknown
 * @param workloadKind the workload's kind ({@code Deployment}, {@code StatefulSet}...), or null
 *     when the webhook found no controller (a bare pod) or the sidecar runs standalone
 * @param appContainer the app's container (the first the webhook names), or null when none was
 *     named (standalone)
 */
public record PodIdentity(
    String podName,
    String namespace,
    String nodeName,
    String podUid,
    String workload,
    Map<String, String> labels,
    String workloadKind,
    Map<String, String> annotations,
    String appContainer) {

  /** A pod whose workload kind, annotations and app container nobody knows. */
  public PodIdentity(
      String podName,
      String namespace,
      String nodeName,
      String podUid,
      String workload,
      Map<String, String> labels) {
    this(podName, namespace, nodeName, podUid, workload, labels, null, Map.of(), null);
  }

  /**
   * Reads the identity from the environment the webhook sets (POD_NAME, POD_NAMESPACE, NODE_NAME,
   * POD_UID, OUTRIGGER_WORKLOAD, OUTRIGGER_WORKLOAD_KIND, OUTRIGGER_APP_CONTAINERS) and the labels
   * and annotations files of the downward API volume in OUTRIGGER_PODINFO_DIR.
   */
  public static PodIdentity fromEnvironment(Map<String, String> env) {
    String host = env.getOrDefault("HOSTNAME", localHostName());
    String pod = env.getOrDefault("POD_NAME", host);
    String podinfo = env.get(SidecarEnvironment.PODINFO_DIR);
    String containers = env.get(SidecarEnvironment.APP_CONTAINERS);
    String kind = env.get(SidecarEnvironment.WORKLOAD_KIND);
    return new PodIdentity(
        pod,
        env.getOrDefault("POD_NAMESPACE", "standalone"),
        env.getOrDefault("NODE_NAME", host),
        env.getOrDefault("POD_UID", ""),
        env.getOrDefault(SidecarEnvironment.WORKLOAD, pod),
        podinfoFile(podinfo, "labels"),
        kind == null || kind.isBlank() ? null : kind.trim(),
        podinfoFile(podinfo, "annotations"),
        containers == null || containers.isBlank() ? null : containers.split(",")[0].trim());
  }

  /** A downward API file of {@code key="value"} lines; none (standalone, unreadable) is empty. */
  private static Map<String, String> podinfoFile(String directory, String name) {
    if (directory == null) {
      return Map.of();
    }
    try {
      return parseLabelsFile(Files.readString(Path.of(directory, name)));
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** The pod as {@code /status} shows it. */
  public void describe(ObjectNode node) {
    node.put("name", podName).put("namespace", namespace).put("node", nodeName).put("uid", podUid);
  }

  /** Shells keep HOSTNAME unexported, so a standalone sidecar asks the system. */
  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /**
   * The downward API's labels (or annotations) file: one {@code key="value"} per line, values
   * quoted with Go escapes. Lines that do not parse are skipped rather than failing the sidecar.
   */
  static Map<String, String> parseLabelsFile(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String value = line.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      labels.put(line.substring(0, eq).trim(), value);
    }
    return Map.copyOf(labels);
  }
}
