package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.v1alpha1.SidecarMode;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.Ports;
import io.outrigger.config.SecretHeader;
import io.outrigger.config.SidecarConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every choice {@link SidecarInjector} makes for one pod, resolved from policy, per-pod annotations
 * and cluster facts before anything is changed.
 *
 * @param nativeSidecar an init container with {@code restartPolicy: Always}, else a first container
 * @param sidecarModeReason why the sidecar is native or classic (audit annotation)
 * @param interception the mode injected ({@link InterceptionChoice})
 * @param interceptionFallback why {@code interception} is not the mode asked for; empty when it is
 * @param inboundPorts app ports in listener order: port i is served on {@code 15006 + i}
 * @param scrapePort the app's metrics port, {@code null} when there is nothing to scrape
 * @param reportUrl where the sidecar reports; {@code null}: it does not
 * @param reportCa the PEM bundle it trusts for reports; {@code null}: the JDK's CAs
 * @param workload the pod's workload ({@link WorkloadName}), {@code null} for a bare pod
 * @param workloadKind the workload's kind ({@link WorkloadName#kind}), {@code null} for a bare pod
 */
record InjectionPlan(
    boolean nativeSidecar,
    String sidecarModeReason,
    InterceptionMode interception,
    Optional<String> interceptionFallback,
    List<Integer> inboundPorts,
    String image,
    EffectivePolicy.Resources resources,
    boolean logs,
    String logDirectory,
    List<String> logPaths,
    boolean metrics,
    Integer scrapePort,
    String scrapePath,
    boolean rewriteProbes,
    boolean waitForAppExit,
    String reportUrl,
    String reportCa,
    String workload,
    String workloadKind,
    List<SecretHeader> secretHeaders) {

  static InjectionPlan of(
      Pod pod, EffectivePolicy policy, ClusterFacts facts, PodSecurityEnforcement podSecurity) {
    PodOverrides overrides = PodOverrides.parse(PodFacts.annotations(pod));
    EffectivePolicy.Injection injection = policy.injection();
    SidecarConfig config = policy.sidecar();

    // Native only where the server and every kubelet that may run the pod run it: either one
    // older would run the sidecar as a plain init container that never exits, so the pod would
    // never start. Not even an explicit "native" overrides that.
    boolean wantsNative =
        overrides.nativeSidecar() != null
            ? overrides.nativeSidecar()
            : injection.sidecarMode() != SidecarMode.CLASSIC;
    NativeSidecarSupport support = wantsNative ? NativeSidecarSupport.of(facts, pod) : null;
    boolean nativeSidecar = support != null && support.supported();
    String modeReason =
        support == null
            ? "classic: asked for by the "
                + (overrides.nativeSidecar() != null ? "pod's annotation" : "policy")
            : (nativeSidecar ? "native: " : "classic: ") + support.reason();

    // Without the proxy there is no listener to send traffic to.
    boolean proxy = config.proxy().enabled();
    InterceptionMode requested =
        !proxy
            ? InterceptionMode.NONE
            : overrides.interception() != null
                ? overrides.interception()
                : injection.interception();
    List<Integer> inbound = proxy ? inboundPorts(pod, injection, overrides) : List.of();
    // The level the namespace enforces refuses the pod after this webhook if it refuses what we
    // add: a Deployment would then create nothing at all.
    InterceptionChoice interception =
        InterceptionChoice.choose(
            requested,
            !inbound.isEmpty() || injection.captureOutbound(),
            podSecurity,
            policy.namespace(),
            injection.captureOutbound());

    String restartPolicy = pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
    boolean finishes = "Never".equals(restartPolicy) || "OnFailure".equals(restartPolicy);

    return new InjectionPlan(
        nativeSidecar,
        modeReason,
        interception.mode(),
        interception.fallback(),
        inbound,
        injection.image() != null && !injection.image().isBlank()
            ? injection.image()
            : facts.defaultImage(),
        resources(injection.resources(), overrides),
        config.logs().enabled(),
        config.logs().directory(),
        overrides.logPathsFor(policy),
        config.metrics().enabled(),
        config.metrics().enabled() ? scrapePort(pod, config, overrides) : null,
        scrapePath(pod, config, overrides),
        injection.rewriteProbes(),
        // Classic sidecars outlive the app unless told otherwise: a Job would never complete.
        !nativeSidecar && finishes,
        facts.reportUrl(),
        facts.reportUrl() == null ? null : facts.reportCa(),
        WorkloadName.of(pod),
        WorkloadName.kind(pod),
        config.tracing().enabled() ? config.tracing().exporter().secretHeaders() : List.of());
  }

  /**
   * The annotation's list, else the policy's, else every TCP port the app containers declare; then
   * without the skipped ones, capped at the number of listeners the sidecar has.
   */
  private static List<Integer> inboundPorts(
      Pod pod, EffectivePolicy.Injection injection, PodOverrides overrides) {
    List<Integer> chosen;
    if (overrides.inboundPorts() != null) {
      chosen = overrides.inboundPorts();
    } else if (!injection.inboundPorts().isEmpty()) {
      chosen = injection.inboundPorts();
    } else {
      chosen = declaredTcpPorts(pod);
    }
    Set<Integer> skipped =
        Set.copyOf(
            overrides.skipInboundPorts() != null
                ? overrides.skipInboundPorts()
                : injection.skipInboundPorts());
    return chosen.stream()
        .distinct()
        .filter(port -> !skipped.contains(port) && !Ports.isReserved(port))
        .limit(Ports.MAX_INBOUND_LISTENERS)
        .toList();
  }

  private static List<Integer> declaredTcpPorts(Pod pod) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (Container container : PodFacts.containers(pod)) {
      for (ContainerPort port : PodFacts.list(container.getPorts())) {
        boolean tcp = port.getProtocol() == null || "TCP".equals(port.getProtocol());
        if (tcp && port.getContainerPort() != null) {
          ports.add(port.getContainerPort());
        }
      }
    }
    return List.copyOf(ports);
  }

  /** The annotation, else the policy's scrape port, else what prometheus.io/port said. */
  private static Integer scrapePort(Pod pod, SidecarConfig config, PodOverrides overrides) {
    if (overrides.metricsPort() != null) {
      return overrides.metricsPort();
    }
    SidecarConfig.ScrapeConfig scrape = config.metrics().scrape();
    if (scrape != null && scrape.port() > 0) {
      return scrape.port();
    }
    Map<String, String> annotations = PodFacts.annotations(pod);
    if ("false".equals(annotations.get(PrometheusRewrite.SCRAPE))) {
      return null;
    }
    String port = annotations.get(PrometheusRewrite.PORT);
    if (port != null && port.trim().matches("[0-9]{1,5}")) {
      int number = Integer.parseInt(port.trim());
      return number >= 1 && number <= 65535 && !Ports.isReserved(number) ? number : null;
    }
    return null;
  }

  private static String scrapePath(Pod pod, SidecarConfig config, PodOverrides overrides) {
    if (overrides.metricsPath() != null) {
      return overrides.metricsPath();
    }
    if (config.metrics().scrape() != null) {
      return config.metrics().scrape().path();
    }
    String path = PodFacts.annotations(pod).get(PrometheusRewrite.PATH);
    return path != null && path.startsWith("/") ? path : "/metrics";
  }

  /**
   * The policy's quantities with the pod's annotations on top. A request above its limit would make
   * the API server refuse the pod, so the limit rises to an overridden request, and a request not
   * overridden comes down to the limit.
   */
  static EffectivePolicy.Resources resources(
      EffectivePolicy.Resources policy, PodOverrides overrides) {
    String cpuRequest = or(overrides.cpuRequest(), policy.cpuRequest());
    String cpuLimit = or(overrides.cpuLimit(), policy.cpuLimit());
    String memoryRequest = or(overrides.memoryRequest(), policy.memoryRequest());
    String memoryLimit = or(overrides.memoryLimit(), policy.memoryLimit());
    List<String> cpu =
        reconcile(
            cpuRequest, cpuLimit, overrides.cpuRequest() != null, overrides.cpuLimit() != null);
    List<String> memory =
        reconcile(
            memoryRequest,
            memoryLimit,
            overrides.memoryRequest() != null,
            overrides.memoryLimit() != null);
    return new EffectivePolicy.Resources(cpu.get(0), cpu.get(1), memory.get(0), memory.get(1));
  }

  private static List<String> reconcile(
      String request, String limit, boolean requestOverridden, boolean limitOverridden) {
    List<String> pair = new ArrayList<>(2);
    if (request != null
        && limit != null
        && Quantity.getAmountInBytes(new Quantity(request))
                .compareTo(Quantity.getAmountInBytes(new Quantity(limit)))
            > 0) {
      if (requestOverridden && !limitOverridden) {
        pair.add(request);
        pair.add(request);
      } else {
        pair.add(limit);
        pair.add(limit);
      }
      return pair;
    }
    pair.add(request);
    pair.add(limit);
    return pair;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
