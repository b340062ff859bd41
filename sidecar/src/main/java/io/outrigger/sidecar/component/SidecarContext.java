package io.outrigger.sidecar.component;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.PortLayout;
import io.outrigger.sidecar.Sidecar;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every component is built from: the Vert.x instance, the pod, the meter registry, and the
 * sidecar's options (where it listens, the environment the webhook set).
 *
 * @param running the config in effect now (after the latest reload)
 */
public record SidecarContext(
    Vertx vertx,
    PodIdentity pod,
    PrometheusMeterRegistry registry,
    Sidecar.Options options,
    Supplier<SidecarConfig> running) {

  public Map<String, String> env() {
    return options.env();
  }

  /** In a pod, the kubelet sets the API server's address in every container. */
  public boolean inPod() {
    return env().containsKey("KUBERNETES_SERVICE_HOST");
  }

  public PortLayout ports() {
    return options.ports();
  }

  public String bindHost() {
    return options.bindHost();
  }

  public int eventLoops() {
    return options.eventLoops();
  }

  /**
   * The app's container for the {@code container} label: the first one the webhook names, else
   * "app".
   */
  public String appContainer() {
    String containers = env().get(SidecarEnvironment.APP_CONTAINERS);
    return containers == null || containers.isBlank() ? "app" : containers.split(",")[0].trim();
  }

  /** The sidecar's own container, for the {@code container} label of its own series. */
  public String sidecarContainer() {
    return env().getOrDefault("OUTRIGGER_SIDECAR_CONTAINER", "outrigger-sidecar");
  }
}
