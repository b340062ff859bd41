package io.outrigger.webhook;

import io.outrigger.api.Names;
import io.outrigger.config.SidecarCommand;
import io.outrigger.config.SidecarEnvironment;

/**
 * Names of what the webhook adds to a pod (containers, volumes, mounts, env, annotations) that
 * {@link Names} does not hold yet; the sidecar reads the env and mount names listed here.
 */
public final class InjectedNames {
  private InjectedNames() {}

  public static final String SIDECAR_CONTAINER = "outrigger-sidecar";
  public static final String INIT_CONTAINER = "outrigger-init";

  public static final String CONFIG_VOLUME = "outrigger-config";
  public static final String LOGS_VOLUME = "outrigger-logs";
  public static final String PODINFO_VOLUME = "outrigger-podinfo";
  public static final String TOKEN_VOLUME = "outrigger-token";
  public static final String TMP_VOLUME = "outrigger-tmp";
  public static final String TLS_VOLUME = "outrigger-tls";

  /** Downward-API files {@code labels} and {@code annotations}. */
  public static final String PODINFO_MOUNT = "/etc/outrigger/podinfo";

  /** The projected service-account token (audience {@link Names#TOKEN_AUDIENCE}). */
  public static final String TOKEN_MOUNT = "/var/run/secrets/outrigger";

  public static final String TOKEN_FILE = "token";

  /** One hour: the kubelet refreshes a projected token at 80% of its life. */
  public static final long TOKEN_EXPIRATION_SECONDS = 3600;

  /** The JVM and Netty need a writable /tmp; the root filesystem is read-only. */
  public static final String TMP_MOUNT = "/tmp";

  /** Entry point of the sidecar image; the sub-commands below are its contract with the webhook. */
  public static final String SIDECAR_BINARY = SidecarCommand.BINARY;

  public static final String RUN_COMMAND = SidecarCommand.RUN;
  public static final String INIT_COMMAND = SidecarCommand.INIT;
  public static final String WAIT_COMMAND = SidecarCommand.WAIT;

  /** Path of each original probe, per container and kind, on the telemetry port. */
  public static String appHealthPath(String container, String kind) {
    return "/app-health/" + container + "/" + kind;
  }

  // Environment of the sidecar container; those the sidecar parses are defined with their parsers
  // in SidecarEnvironment.
  public static final String ENV_POD_NAME = "POD_NAME";
  public static final String ENV_POD_NAMESPACE = "POD_NAMESPACE";
  public static final String ENV_POD_UID = "POD_UID";
  public static final String ENV_POD_IP = "POD_IP";
  public static final String ENV_NODE_NAME = "NODE_NAME";
  public static final String ENV_SERVICE_ACCOUNT = "SERVICE_ACCOUNT";
  public static final String ENV_MEMORY_LIMIT = "OUTRIGGER_MEMORY_LIMIT";
  public static final String ENV_PODINFO_DIR = SidecarEnvironment.PODINFO_DIR;
  public static final String ENV_WORKLOAD = SidecarEnvironment.WORKLOAD;
  public static final String ENV_WORKLOAD_KIND = SidecarEnvironment.WORKLOAD_KIND;
  public static final String ENV_TOKEN_FILE = "OUTRIGGER_TOKEN_FILE";
  public static final String ENV_SIDECAR_MODE = "OUTRIGGER_SIDECAR_MODE";
  public static final String ENV_INTERCEPTION = "OUTRIGGER_INTERCEPTION";
  public static final String ENV_INBOUND_PORTS = SidecarEnvironment.INBOUND_PORTS;
  public static final String ENV_APP_CONTAINERS = SidecarEnvironment.APP_CONTAINERS;
  public static final String ENV_APP_PROBES = SidecarEnvironment.APP_PROBES;
  public static final String ENV_SCRAPE_PORT = SidecarEnvironment.SCRAPE_PORT;
  public static final String ENV_SCRAPE_PATH = SidecarEnvironment.SCRAPE_PATH;
  public static final String ENV_LOG_PATHS = SidecarEnvironment.LOG_PATHS;
  public static final String ENV_WAIT_FOR_APP_EXIT = SidecarEnvironment.WAIT_FOR_APP_EXIT;
  public static final String ENV_REPORT_URL = "OUTRIGGER_REPORT_URL";
  public static final String ENV_REPORT_CA_FILE = "OUTRIGGER_REPORT_CA_FILE";
  public static final String ENV_CONFIG_UPDATES = SidecarEnvironment.CONFIG_UPDATES;

  /** Where a sidecar that reports keeps the config and CA its report answers bring. */
  public static final String CONFIG_UPDATES_DIR = TMP_MOUNT + "/outrigger-config";

  /**
   * The file of the config volume holding the CA that signs the operator's report endpoint (from
   * the pod's {@code outrigger.io/report-ca}); a rotated CA arrives in the report answers.
   */
  public static final String REPORT_CA_KEY = "ca.crt";

  /** Where the originals of rewritten {@code prometheus.io/*} annotations are kept. */
  public static String originalPrometheusAnnotation(String key) {
    return Names.PREFIX + "original-prometheus-" + key;
  }

  /** Makes {@code kubectl logs/exec} pick the app, not the sidecar placed first. */
  public static final String DEFAULT_CONTAINER_ANNOTATION =
      "kubectl.kubernetes.io/default-container";

  public static final String PROMETHEUS_PREFIX = "prometheus.io/";
}
