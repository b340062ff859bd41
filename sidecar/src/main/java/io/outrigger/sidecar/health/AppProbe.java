package io.outrigger.sidecar.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One of the app's original probes, as the webhook handed it over (OUTRIGGER_APP_PROBES). The
 * sidecar runs it against the app on the kubelet's behalf, from inside the pod's network namespace.
 */
public sealed interface AppProbe {
  Duration timeout();

  /** HTTP GET; success is a status in 200-399 (the kubelet's rule). */
  record Http(
      String host,
      int port,
      String path,
      boolean https,
      Map<String, String> headers,
      Duration timeout)
      implements AppProbe {}

  /** A TCP connect; success is an established connection. */
  record Tcp(String host, int port, Duration timeout) implements AppProbe {}

  /** gRPC health v1 {@code Check}; success is SERVING. */
  record Grpc(int port, String service, Duration timeout) implements AppProbe {}

  /** The result and a line saying why, for the response body and logs. */
  record Result(boolean healthy, String detail) {}

  /** Kinds of probe, as the path segment the kubelet calls. */
  List<String> KINDS = List.of("livez", "readyz", "startupz");
}
