package io.outrigger.api;

/**
 * Every label, annotation, resource and path name Outrigger uses, in one place (DESIGN "Names").
 */
public final class Names {
  private Names() {}

  public static final String PREFIX = "outrigger.io/";

  /**
   * Pod label or annotation: "true" opts a pod in, "false" out. The pod's word beats its
   * namespace's.
   */
  public static final String INJECT = PREFIX + "inject";

  /** Namespace label: "enabled" opts every pod in, "disabled" out. */
  public static final String NAMESPACE_INJECTION = PREFIX + "injection";

  /** Pod annotation naming the policy to use instead of selector matching. */
  public static final String POLICY = PREFIX + "policy";

  /** Label the webhook puts on injected pods. */
  public static final String INJECTED = PREFIX + "injected";

  /**
   * Label the webhook puts on injected pods: the policy they were injected from (the same key as
   * the {@link #POLICY} annotation, which names a policy to use).
   */
  public static final String POLICY_LABEL = PREFIX + "policy";

  /** Annotation the webhook writes: sidecar version, policy, config hash, mode (JSON). */
  public static final String STATUS = PREFIX + "status";

  public static final String INBOUND_PORTS = PREFIX + "inbound-ports";
  public static final String SKIP_INBOUND_PORTS = PREFIX + "skip-inbound-ports";
  public static final String INTERCEPTION = PREFIX + "interception";
  public static final String LOG_PATHS = PREFIX + "log-paths";
  public static final String METRICS_PORT = PREFIX + "metrics-port";
  public static final String METRICS_PATH = PREFIX + "metrics-path";
  public static final String SIDECAR_CPU_REQUEST = PREFIX + "sidecar-cpu-request";
  public static final String SIDECAR_CPU_LIMIT = PREFIX + "sidecar-cpu-limit";
  public static final String SIDECAR_MEMORY_REQUEST = PREFIX + "sidecar-memory-request";
  public static final String SIDECAR_MEMORY_LIMIT = PREFIX + "sidecar-memory-limit";
  public static final String NATIVE_SIDECAR = PREFIX + "native-sidecar";

  /**
   * Annotation the webhook writes: the policy's rendered sidecar config (compact JSON) as it was
   * when the pod was created. The sidecar reads it through the downward API; later versions reach
   * it in the answers to its reports (docs/adr/0010-config-delivered-with-the-pod.md).
   */
  public static final String SIDECAR_CONFIG = PREFIX + "sidecar-config";

  /** Annotation the webhook writes: the CA bundle that signs the operator's report endpoint. */
  public static final String REPORT_CA = PREFIX + "report-ca";

  /** File name of the rendered config in the sidecar's config volume. */
  public static final String CONFIG_KEY = "sidecar.json";

  /** Where the webhook mounts the config volume (the two annotations above) in the sidecar. */
  public static final String CONFIG_MOUNT = "/etc/outrigger/config";

  /** Where the webhook mounts the policy's TLS Secret in the sidecar. */
  public static final String TLS_MOUNT = "/etc/outrigger/tls";

  /** Audience of the projected service-account token sidecars present to the operator. */
  public static final String TOKEN_AUDIENCE = "outrigger";
}
