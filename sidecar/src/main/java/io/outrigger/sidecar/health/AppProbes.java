package io.outrigger.sidecar.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses OUTRIGGER_APP_PROBES: a JSON object keyed {@code <container>/<livez|readyz|startupz>},
 * each value a Kubernetes probe ({@code httpGet}, {@code tcpSocket} or {@code grpc}, with {@code
 * timeoutSeconds}). Named ports were already resolved to numbers by the webhook. Entries that
 * cannot be used are reported, not fatal: the kubelet would then see that one probe fail with the
 * reason.
 */
public final class AppProbes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, AppProbe> probes;
  private final Map<String, String> invalid;

  private AppProbes(Map<String, AppProbe> probes, Map<String, String> invalid) {
    this.probes = Map.copyOf(probes);
    this.invalid = Map.copyOf(invalid);
  }

  public static AppProbes none() {
    return new AppProbes(Map.of(), Map.of());
  }

  /** Parses the variable's value; {@code null} or blank means no rewritten probes. */
  public static AppProbes parse(String json, Duration defaultTimeout) {
    if (json == null || json.isBlank()) {
      return none();
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (Exception e) {
      return new AppProbes(
          Map.of(), Map.of("*", "OUTRIGGER_APP_PROBES is not JSON: " + e.getMessage()));
    }
    Map<String, AppProbe> probes = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    root.properties()
        .forEach(
            entry -> {
              try {
                probes.put(entry.getKey(), probe(entry.getValue(), defaultTimeout));
              } catch (IllegalArgumentException e) {
                invalid.put(entry.getKey(), e.getMessage());
              }
            });
    return new AppProbes(probes, invalid);
  }

  /** The probe for {@code container/kind}, or null. */
  public AppProbe get(String container, String kind) {
    return probes.get(container + "/" + kind);
  }

  /** Why the probe for {@code container/kind} could not be used, or null. */
  public String problem(String container, String kind) {
    return invalid.getOrDefault(container + "/" + kind, invalid.get("*"));
  }

  public Map<String, AppProbe> all() {
    return probes;
  }

  static AppProbe probe(JsonNode probe, Duration defaultTimeout) {
    Duration timeout =
        probe.hasNonNull("timeoutSeconds")
            ? Duration.ofSeconds(probe.get("timeoutSeconds").asLong())
            : defaultTimeout;
    if (probe.hasNonNull("httpGet")) {
      JsonNode http = probe.get("httpGet");
      Map<String, String> headers = new LinkedHashMap<>();
      for (JsonNode header : http.path("httpHeaders")) {
        headers.put(header.path("name").asText(), header.path("value").asText());
      }
      return new AppProbe.Http(
          host(http),
          port(http.get("port")),
          http.hasNonNull("path") ? http.get("path").asText() : "/",
          "HTTPS".equalsIgnoreCase(http.path("scheme").asText("HTTP")),
          headers,
          timeout);
    }
    if (probe.hasNonNull("tcpSocket")) {
      JsonNode tcp = probe.get("tcpSocket");
      return new AppProbe.Tcp(host(tcp), port(tcp.get("port")), timeout);
    }
    if (probe.hasNonNull("grpc")) {
      JsonNode grpc = probe.get("grpc");
      return new AppProbe.Grpc(port(grpc.get("port")), grpc.path("service").asText(""), timeout);
    }
    throw new IllegalArgumentException("neither httpGet, tcpSocket nor grpc");
  }

  /** The kubelet probes the pod IP; inside the pod that is loopback. */
  private static String host(JsonNode action) {
    return action.hasNonNull("host") && !action.get("host").asText().isBlank()
        ? action.get("host").asText()
        : "127.0.0.1";
  }

  private static int port(JsonNode port) {
    if (port == null || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
      throw new IllegalArgumentException(
          "port " + port + " is not a port number (named ports must be resolved)");
    }
    return port.asInt();
  }
}
