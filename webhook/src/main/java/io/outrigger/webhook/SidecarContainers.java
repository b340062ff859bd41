package io.outrigger.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.Defaults;
import io.outrigger.config.Ports;
import io.outrigger.config.SecretHeader;
import io.outrigger.config.interception.InitOptions;
import io.outrigger.config.interception.InterceptionRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The two containers the webhook adds: the sidecar itself and the iptables init container. */
final class SidecarContainers {
  private SidecarContainers() {}

  static Container sidecar(
      InjectionPlan plan,
      VolumeNames volumes,
      List<ContainerPort> ports,
      List<String> apps,
      ObjectNode originalProbes) {
    ContainerBuilder sidecar =
        new ContainerBuilder()
            .withName(InjectedNames.SIDECAR_CONTAINER)
            .withImage(plan.image())
            .withImagePullPolicy("IfNotPresent")
            .withCommand(InjectedNames.SIDECAR_BINARY)
            .withArgs(
                InjectedNames.RUN_COMMAND, "--config", Names.CONFIG_MOUNT + "/" + Names.CONFIG_KEY)
            .withPorts(ports(ports))
            .withEnv(env(plan, apps, originalProbes))
            .withResources(resources(plan.resources()))
            .withVolumeMounts(mounts(plan, volumes))
            .withSecurityContext(restricted())
            .withReadinessProbe(telemetry("/readyz", 2, 3))
            .withLivenessProbe(telemetry("/healthz", 10, 3))
            .withTerminationMessagePolicy("FallbackToLogsOnError");
    if (plan.nativeSidecar()) {
      // The kubelet starts the next container once this passes. It checks /healthz (listeners
      // bound), not /readyz: readiness includes the app, which cannot start before this passes.
      sidecar.withRestartPolicy("Always").withStartupProbe(telemetry("/healthz", 1, 120));
    } else {
      // The kubelet starts the next container only when this hook returns, so the app never
      // starts before the proxy listens; /healthz for the same reason as the startup probe.
      sidecar
          .withNewLifecycle()
          .withNewPostStart()
          .withNewExec()
          .withCommand(InjectedNames.SIDECAR_BINARY, InjectedNames.WAIT_COMMAND, "--timeout=120s")
          .endExec()
          .endPostStart()
          .endLifecycle();
    }
    return sidecar.build();
  }

  /**
   * The telemetry port, declared and named so that a PodMonitor can select it, then the listeners
   * that took over an app port's name in port mode.
   */
  private static List<ContainerPort> ports(List<ContainerPort> moved) {
    List<ContainerPort> ports = new ArrayList<>();
    ports.add(
        new ContainerPortBuilder()
            .withName(Ports.TELEMETRY_NAME)
            .withContainerPort(Ports.TELEMETRY)
            .withProtocol("TCP")
            .build());
    ports.addAll(moved);
    return ports;
  }

  /**
   * Runs the sidecar image's {@code init} command with only the two capabilities iptables needs. It
   * runs as root (iptables refuses otherwise) but cannot escalate or keep other capabilities. Its
   * resources are the sidecar's: init containers count by maximum, not sum, so this costs the pod
   * nothing more.
   */
  static Container iptablesInit(
      String name, InjectionPlan plan, EffectivePolicy.Injection injection) {
    // The rules validate themselves the way the init command will: a value it would refuse fails
    // here, at admission (fail-open), instead of crash-looping the pod's init container.
    InterceptionRules rules =
        new InterceptionRules(
            plan.inboundPorts(),
            Ports.INBOUND_BASE,
            List.of(),
            injection.captureOutbound(),
            Ports.OUTBOUND,
            Defaults.SIDECAR_UID,
            injection.captureOutbound() ? injection.excludeOutboundCIDRs() : List.of(),
            injection.captureOutbound() ? injection.excludeOutboundPorts() : List.of(),
            InitOptions.SIDECAR_PORTS);
    List<String> args = new ArrayList<>();
    args.add(InjectedNames.INIT_COMMAND);
    args.addAll(InitOptions.arguments(rules));
    return new ContainerBuilder()
        .withName(name)
        .withImage(plan.image())
        .withImagePullPolicy("IfNotPresent")
        .withCommand(InjectedNames.SIDECAR_BINARY)
        .withArgs(args)
        .withResources(resources(plan.resources()))
        .withSecurityContext(
            new SecurityContextBuilder()
                .withRunAsUser(0L)
                .withRunAsNonRoot(false)
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withCapabilities(
                    new CapabilitiesBuilder()
                        .withAdd("NET_ADMIN", "NET_RAW")
                        .withDrop("ALL")
                        .build())
                .build())
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  /** Non-root, fixed UID (the iptables rules exclude it), nothing writable but its volumes. */
  private static SecurityContext restricted() {
    Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(Defaults.SIDECAR_UID)
        .withRunAsGroup(Defaults.SIDECAR_UID)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withCapabilities(none)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static Probe telemetry(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withHttpGet(
            new HTTPGetActionBuilder()
                .withPath(path)
                .withPort(new IntOrString(Ports.TELEMETRY))
                .withScheme("HTTP")
                .build())
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(1)
        .withSuccessThreshold(1)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static ResourceRequirements resources(EffectivePolicy.Resources resources) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    put(requests, "cpu", resources.cpuRequest());
    put(requests, "memory", resources.memoryRequest());
    put(limits, "cpu", resources.cpuLimit());
    put(limits, "memory", resources.memoryLimit());
    ResourceRequirements requirements = new ResourceRequirements();
    requirements.setRequests(requests);
    requirements.setLimits(limits);
    return requirements;
  }

  private static void put(Map<String, Quantity> map, String key, String value) {
    if (value != null) {
      map.put(key, new Quantity(value));
    }
  }

  private static List<VolumeMount> mounts(InjectionPlan plan, VolumeNames volumes) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(volumes.config(), Names.CONFIG_MOUNT, true));
    mounts.add(mount(volumes.podinfo(), InjectedNames.PODINFO_MOUNT, true));
    mounts.add(mount(volumes.token(), InjectedNames.TOKEN_MOUNT, true));
    mounts.add(mount(volumes.tmp(), InjectedNames.TMP_MOUNT, false));
    if (volumes.logs() != null) {
      // Writable: the tailer keeps its checkpoints next to the files it reads.
      mounts.add(mount(volumes.logs(), plan.logDirectory(), false));
    }
    if (volumes.tls() != null) {
      mounts.add(mount(volumes.tls(), Names.TLS_MOUNT, true));
    }
    return mounts;
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    VolumeMountBuilder mount = new VolumeMountBuilder().withName(volume).withMountPath(path);
    if (readOnly) {
      mount.withReadOnly(true);
    }
    return mount.build();
  }

  private static List<EnvVar> env(InjectionPlan plan, List<String> apps, ObjectNode probes) {
    List<EnvVar> env = new ArrayList<>();
    env.add(field(InjectedNames.ENV_POD_NAME, "metadata.name"));
    env.add(field(InjectedNames.ENV_POD_NAMESPACE, "metadata.namespace"));
    env.add(field(InjectedNames.ENV_POD_UID, "metadata.uid"));
    env.add(field(InjectedNames.ENV_POD_IP, "status.podIP"));
    env.add(field(InjectedNames.ENV_NODE_NAME, "spec.nodeName"));
    env.add(field(InjectedNames.ENV_SERVICE_ACCOUNT, "spec.serviceAccountName"));
    // Lets the launcher size the heap to the container instead of the node.
    env.add(
        new EnvVarBuilder()
            .withName(InjectedNames.ENV_MEMORY_LIMIT)
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withContainerName(InjectedNames.SIDECAR_CONTAINER)
            .withResource("limits.memory")
            .endResourceFieldRef()
            .endValueFrom()
            .build());
    env.add(value(InjectedNames.ENV_PODINFO_DIR, InjectedNames.PODINFO_MOUNT));
    if (plan.workload() != null) {
      env.add(value(InjectedNames.ENV_WORKLOAD, plan.workload()));
    }
    if (plan.workloadKind() != null) {
      env.add(value(InjectedNames.ENV_WORKLOAD_KIND, plan.workloadKind()));
    }
    env.add(
        value(
            InjectedNames.ENV_TOKEN_FILE,
            InjectedNames.TOKEN_MOUNT + "/" + InjectedNames.TOKEN_FILE));
    env.add(value(InjectedNames.ENV_SIDECAR_MODE, plan.nativeSidecar() ? "native" : "classic"));
    env.add(
        value(InjectedNames.ENV_INTERCEPTION, plan.interception().name().toLowerCase(Locale.ROOT)));
    env.add(value(InjectedNames.ENV_INBOUND_PORTS, join(plan.inboundPorts())));
    env.add(value(InjectedNames.ENV_APP_CONTAINERS, String.join(",", apps)));
    if (!probes.isEmpty()) {
      env.add(value(InjectedNames.ENV_APP_PROBES, PodJson.write(probes)));
    }
    if (plan.scrapePort() != null) {
      env.add(value(InjectedNames.ENV_SCRAPE_PORT, String.valueOf(plan.scrapePort())));
      env.add(value(InjectedNames.ENV_SCRAPE_PATH, plan.scrapePath()));
    }
    if (plan.logPaths() != null) {
      env.add(value(InjectedNames.ENV_LOG_PATHS, String.join(",", plan.logPaths())));
    }
    if (plan.waitForAppExit()) {
      env.add(value(InjectedNames.ENV_WAIT_FOR_APP_EXIT, "true"));
    }
    // Export credentials straight from the Secret into the sidecar's environment, by the kubelet:
    // optional, so a missing Secret costs the exports their header (the sidecar reports it), not
    // the pod its start.
    List<SecretHeader> secretHeaders = plan.secretHeaders();
    for (int i = 0; i < secretHeaders.size(); i++) {
      env.add(
          new EnvVarBuilder()
              .withName(SecretHeader.envName(i))
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(secretHeaders.get(i).secretName())
              .withKey(secretHeaders.get(i).secretKey())
              .withOptional(true)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    if (plan.reportUrl() != null) {
      env.add(value(InjectedNames.ENV_REPORT_URL, plan.reportUrl()));
      env.add(value(InjectedNames.ENV_CONFIG_UPDATES, InjectedNames.CONFIG_UPDATES_DIR));
    }
    if (plan.reportCa() != null) {
      env.add(
          value(
              InjectedNames.ENV_REPORT_CA_FILE,
              Names.CONFIG_MOUNT + "/" + InjectedNames.REPORT_CA_KEY));
    }
    return env;
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
