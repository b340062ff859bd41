package io.outrigger.config;

import java.util.List;

/**
 * Every default in one place. The CRD's schema defaults ({@code @Default}) and {@link
 * SidecarConfig#defaults()} both read these constants, so a standalone sidecar and a policy with
 * nothing set behave the same.
 */
public final class Defaults {
  private Defaults() {}

  public static final String CONNECT_TIMEOUT = "1s";
  public static final String REQUEST_TIMEOUT = "30s";
  public static final String IDLE_TIMEOUT = "60s";
  public static final String DRAIN_TIMEOUT = "5s";
  public static final int MAX_HEADER_BYTES = 8192;
  public static final int MAX_CONNECTIONS_PER_PORT = 128;
  public static final String OUTBOUND_TIMEOUT = "15s";
  public static final int OUTBOUND_MAX_RETRIES = 2;
  public static final double OUTBOUND_RETRY_BUDGET = 0.2;
  public static final int CIRCUIT_BREAKER_FAILURES = 5;
  public static final String CIRCUIT_BREAKER_OPEN = "30s";

  public static final String METRICS_PATH = "/metrics";
  public static final String SCRAPE_INTERVAL = "15s";
  public static final String SCRAPE_TIMEOUT = "10s";
  public static final int MAX_SERIES = 50_000;
  public static final int MAX_LABEL_VALUE_LENGTH = 1024;
  public static final String PUSH_INTERVAL = "30s";
  public static final int REMOTE_WRITE_QUEUE = 10_000;
  public static final int STATSD_PORT = 8125;

  public static final String LOG_DIRECTORY = "/var/log/app";
  public static final String MULTILINE_FLUSH = "1s";
  public static final int MULTILINE_MAX_LINES = 500;
  public static final int MAX_LINE_BYTES = 65_536;
  public static final int LOG_BUFFER_LINES = 10_000;
  public static final String FORWARD_TAG = "outrigger";
  public static final int FORWARD_PORT = 24224;
  public static final String FORWARD_ACK_TIMEOUT = "30s";
  public static final String LOG_RETRY_INITIAL_BACKOFF = "500ms";
  public static final String LOG_RETRY_MAX_BACKOFF = "30s";

  /**
   * Istio's default: enough to see traces, cheap at scale; incoming sampled decisions are always
   * kept.
   */
  public static final double SAMPLING_RATIO = 0.01;

  public static final String EXPORT_TIMEOUT = "10s";

  /**
   * The HTTP semantic conventions' known methods (RFC 9110, PATCH of RFC 5789, QUERY): any other
   * method is recorded as {@code _OTHER}.
   */
  public static final List<String> HTTP_KNOWN_METHODS =
      List.of(
          "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE");

  public static final String PROBE_TIMEOUT = "1s";

  public static final String SIDECAR_CPU_REQUEST = "50m";
  public static final String SIDECAR_MEMORY_REQUEST = "128Mi";
  public static final String SIDECAR_MEMORY_LIMIT = "192Mi";

  /** The sidecar's fixed, non-root UID (the iptables OUTPUT rule excludes it to avoid loops). */
  public static final long SIDECAR_UID = 1337;
}
