package io.outrigger.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.Ports;
import io.outrigger.config.SidecarConfigCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Injects the sidecar into a pod (DESIGN "Injection"): a pure function of the pod, the chosen
 * policy and the cluster's facts. The input is never modified, and injecting an injected pod
 * returns it unchanged.
 */
public final class SidecarInjector {
  private SidecarInjector() {}

  static final String DEFAULT_SERVICE_ACCOUNT = "default";

  /**
   * {@link #inject(Pod, EffectivePolicy, ClusterFacts, PodSecurityEnforcement)} in a namespace that
   * enforces no Pod Security level.
   */
  public static Pod inject(Pod pod, EffectivePolicy policy, ClusterFacts facts) {
    return inject(pod, policy, facts, PodSecurityEnforcement.PRIVILEGED);
  }

  /**
   * A new pod: {@code pod} with the sidecar and everything it needs, admissible at the level its
   * namespace enforces. It shares what it did not change with {@code pod}; treat both as values.
   */
  public static Pod inject(
      Pod pod, EffectivePolicy policy, ClusterFacts facts, PodSecurityEnforcement podSecurity) {
    return injectWithPlan(pod, policy, facts, podSecurity).pod();
  }

  /**
   * The injected pod and the plan it was injected by; the plan is {@code null} when the pod was
   * injected already.
   */
  record Injected(Pod pod, InjectionPlan plan) {}

  static Injected injectWithPlan(
      Pod pod, EffectivePolicy policy, ClusterFacts facts, PodSecurityEnforcement podSecurity) {
    if (isInjected(pod)) {
      return new Injected(new PodBuilder(pod).build(), null);
    }
    // Copy on write (the fixtures check the input stays untouched): the pod, its metadata and
    // spec, and the app containers, which get mounts and probes; everything else is shared.
    Pod copy = ShallowCopy.of(pod);
    PodSpec spec = pod.getSpec() != null ? ShallowCopy.of(pod.getSpec()) : new PodSpec();
    copy.setSpec(spec);
    ObjectMeta metadata =
        pod.getMetadata() != null ? ShallowCopy.of(pod.getMetadata()) : new ObjectMeta();
    copy.setMetadata(metadata);
    spec.setContainers(
        PodFacts.list(spec.getContainers()).stream()
            .map(ShallowCopy::of)
            .collect(Collectors.toCollection(ArrayList::new)));
    spec.setInitContainers(new ArrayList<>(PodFacts.list(spec.getInitContainers())));
    spec.setVolumes(new ArrayList<>(PodFacts.list(spec.getVolumes())));
    List<Container> apps = List.copyOf(spec.getContainers());
    InjectionPlan plan = InjectionPlan.of(copy, policy, facts, podSecurity);

    VolumeNames volumes = VolumeNames.choose(copy, plan, policy);
    ObjectNode originalProbes = PodJson.MAPPER.createObjectNode();
    if (plan.rewriteProbes()) {
      apps.forEach(app -> ProbeRewrite.rewrite(app, originalProbes));
    }
    List<ContainerPort> movedPorts =
        plan.interception() == InterceptionMode.PORT ? movePorts(apps, plan) : List.of();
    if (plan.logs()) {
      mountLogs(apps, volumes.logs(), plan.logDirectory());
    }
    if (plan.waitForAppExit()) {
      // A classic sidecar in a Job must exit when the app has; sharing the process namespace lets
      // it see that.
      spec.setShareProcessNamespace(true);
    }

    Container sidecar =
        SidecarContainers.sidecar(plan, volumes, movedPorts, appNames(apps), originalProbes);
    Optional<Container> init =
        plan.interception() == InterceptionMode.IPTABLES
                && (!plan.inboundPorts().isEmpty() || policy.injection().captureOutbound())
            ? Optional.of(
                SidecarContainers.iptablesInit(
                    PodFacts.freeName(
                        InjectedNames.INIT_CONTAINER, name -> PodFacts.hasContainer(copy, name)),
                    plan,
                    policy.injection()))
            : Optional.empty();

    if (plan.nativeSidecar()) {
      // The iptables rules first, then the sidecar, then the app's own init containers, which
      // can already use the proxy (and the ambassador when outbound traffic is captured).
      List<Container> inits = new ArrayList<>();
      init.ifPresent(inits::add);
      inits.add(sidecar);
      inits.addAll(spec.getInitContainers());
      spec.setInitContainers(inits);
    } else {
      // Classic: the app's init containers run before any sidecar exists, so the rules come
      // last; captured outbound traffic of an earlier init container would reach no proxy.
      init.ifPresent(spec.getInitContainers()::add);
      spec.getContainers().add(0, sidecar);
    }
    spec.getVolumes().addAll(volumes.toAdd(policy, plan));
    if (spec.getServiceAccountName() == null || spec.getServiceAccountName().isEmpty()) {
      // The projected token needs a service account name, or the API server refuses the pod.
      // The ServiceAccount admission plugin sets "default" before webhooks run; where it is
      // disabled, we set the same.
      spec.setServiceAccountName(DEFAULT_SERVICE_ACCOUNT);
    }

    Map<String, String> labels = new LinkedHashMap<>(PodFacts.labels(copy));
    labels.put(Names.INJECTED, InjectionDecision.TRUE);
    // `kubectl get pods -l outrigger.io/policy=<name>`: a policy's pods in one query. A name longer
    // than a label value may be (63) is left to the status annotation, which always names it.
    if (isLabelValue(policy.name())) {
      labels.put(Names.POLICY_LABEL, policy.name());
    }
    metadata.setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>(PodFacts.annotations(copy));
    if (plan.metrics()) {
      PrometheusRewrite.rewrite(annotations);
    }
    if (!plan.nativeSidecar() && !apps.isEmpty()) {
      annotations.putIfAbsent(InjectedNames.DEFAULT_CONTAINER_ANNOTATION, apps.get(0).getName());
    }
    annotations.put(Names.STATUS, InjectionStatus.of(policy, facts, plan).toJson());
    // The sidecar's config travels with the pod (read through the downward API): a pod starts
    // whether or not the operator has written anything, and the operator needs no write access
    // to the namespace. Newer configs reach the sidecar in the answers to its reports.
    annotations.put(Names.SIDECAR_CONFIG, SidecarConfigCodec.toCompactJson(policy.sidecar()));
    if (plan.reportCa() != null) {
      annotations.put(Names.REPORT_CA, plan.reportCa());
    } else {
      annotations.remove(Names.REPORT_CA);
    }
    metadata.setAnnotations(annotations);
    return new Injected(copy, plan);
  }

  /** True when the pod carries the injected label or the sidecar container. */
  public static boolean isInjected(Pod pod) {
    return InjectionDecision.TRUE.equals(PodFacts.labels(pod).get(Names.INJECTED))
        || PodFacts.hasContainer(pod, InjectedNames.SIDECAR_CONTAINER);
  }

  private static List<String> appNames(List<Container> apps) {
    return apps.stream().map(Container::getName).toList();
  }

  /**
   * Port mode: each named app port that is intercepted gives its name to the sidecar's listener for
   * it, so a Service targeting the name reaches the proxy; the app keeps the number.
   */
  private static List<ContainerPort> movePorts(List<Container> apps, InjectionPlan plan) {
    List<ContainerPort> moved = new ArrayList<>();
    for (Container app : apps) {
      Set<String> names = new LinkedHashSet<>();
      for (ContainerPort port : PodFacts.list(app.getPorts())) {
        int index =
            port.getContainerPort() == null
                ? -1
                : plan.inboundPorts().indexOf(port.getContainerPort());
        boolean tcp = port.getProtocol() == null || "TCP".equals(port.getProtocol());
        // The sidecar's telemetry port has that name already; two ports of one container
        // cannot share a name, so the app keeps it (a Service targeting it reaches the app).
        boolean free = !Ports.TELEMETRY_NAME.equals(port.getName());
        if (port.getName() != null && index >= 0 && tcp && free) {
          names.add(port.getName());
          moved.add(
              new ContainerPortBuilder()
                  .withName(port.getName())
                  .withContainerPort(Ports.INBOUND_BASE + index)
                  .withProtocol("TCP")
                  .build());
        }
      }
      if (!names.isEmpty()) {
        ProbeRewrite.resolveNamedPorts(app, names);
        // New port objects: the app's own are shared with the pod being admitted.
        app.setPorts(
            app.getPorts().stream()
                .map(
                    p ->
                        names.contains(p.getName())
                            ? new ContainerPortBuilder(p).withName(null).build()
                            : p)
                .toList());
      }
    }
    return moved;
  }

  /**
   * The shared log volume at the policy's directory in every app container. A container that
   * already mounts something there keeps its mount (a second mount at one path is invalid).
   */
  private static void mountLogs(List<Container> apps, String volume, String directory) {
    for (Container app : apps) {
      List<VolumeMount> mounts = new ArrayList<>(PodFacts.list(app.getVolumeMounts()));
      if (mounts.stream().noneMatch(m -> samePath(m.getMountPath(), directory))) {
        mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(directory).build());
      }
      app.setVolumeMounts(mounts);
    }
  }

  static boolean samePath(String a, String b) {
    return a != null && b != null && strip(a).equals(strip(b));
  }

  private static String strip(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** A valid label value (Kubernetes API conventions): at most 63 alphanumerics, '-', '_', '.'. */
  static boolean isLabelValue(String value) {
    return value != null && value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  }
}
