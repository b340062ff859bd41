package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The checks of the Kubernetes Pod Security Standards that concern the fields the webhook sets,
 * each at the level and from the version the standard gives it (kubernetes.io "Pod Security
 * Standards"; the admission plugin's {@code k8s.io/pod-security-admission/policy/check_*.go}),
 * written independently of the webhook's code so that tests can judge what it injects.
 *
 * <p>Covered: host namespaces, privileged, capabilities (baseline and restricted), hostPath and
 * restricted volume types, host ports, seccomp (annotations before v1.19, fields from v1.19), host
 * in probes and lifecycle handlers (v1.34), allowPrivilegeEscalation (v1.8), runAsNonRoot,
 * runAsUser (v1.23). Not covered, because nothing injected sets them: AppArmor, SELinux, {@code
 * /proc} mount type, sysctls, Windows host processes. Where the plugin relaxes a rule (user
 * namespaces, Windows pods) this does not, so a pod it admits the plugin admits too.
 */
final class PodSecurityStandards {
  private PodSecurityStandards() {}

  /** The levels, least strict first. */
  enum Level {
    PRIVILEGED,
    BASELINE,
    RESTRICTED
  }

  /** The version "latest": every check. */
  static final int LATEST = Integer.MAX_VALUE;

  /** One check: the level it belongs to, the versions it applies to, the rule. */
  record Check(String id, Level level, int since, int until, Function<Pod, Optional<String>> rule) {
    boolean appliesAt(Level enforced, int version) {
      return enforced.compareTo(level) >= 0 && version >= since && version <= until;
    }
  }

  static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  private static final String POD_SECCOMP_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
  private static final String CONTAINER_SECCOMP_ANNOTATION =
      "container.seccomp.security.alpha.kubernetes.io/";
  private static final int ALWAYS = LATEST;

  static final List<Check> CHECKS =
      List.of(
          new Check(
              "hostNamespaces", Level.BASELINE, 0, ALWAYS, PodSecurityStandards::hostNamespaces),
          new Check("privileged", Level.BASELINE, 0, ALWAYS, PodSecurityStandards::privileged),
          new Check(
              "capabilities_baseline",
              Level.BASELINE,
              0,
              ALWAYS,
              PodSecurityStandards::baselineCapabilities),
          new Check("hostPathVolumes", Level.BASELINE, 0, ALWAYS, PodSecurityStandards::hostPath),
          new Check("hostPorts", Level.BASELINE, 0, ALWAYS, PodSecurityStandards::hostPorts),
          new Check(
              "seccompProfile_baseline (annotations)",
              Level.BASELINE,
              0,
              18,
              PodSecurityStandards::seccompAnnotations),
          new Check(
              "seccompProfile_baseline",
              Level.BASELINE,
              19,
              ALWAYS,
              PodSecurityStandards::baselineSeccomp),
          new Check(
              "hostProbesAndHostLifecycle",
              Level.BASELINE,
              34,
              ALWAYS,
              PodSecurityStandards::hostInProbesAndHooks),
          new Check(
              "restrictedVolumes",
              Level.RESTRICTED,
              0,
              ALWAYS,
              PodSecurityStandards::restrictedVolumes),
          new Check(
              "allowPrivilegeEscalation",
              Level.RESTRICTED,
              8,
              ALWAYS,
              PodSecurityStandards::privilegeEscalation),
          new Check("runAsNonRoot", Level.RESTRICTED, 0, ALWAYS, PodSecurityStandards::nonRoot),
          new Check("runAsUser", Level.RESTRICTED, 23, ALWAYS, PodSecurityStandards::notUidZero),
          new Check(
              "seccompProfile_restricted",
              Level.RESTRICTED,
              19,
              ALWAYS,
              PodSecurityStandards::restrictedSeccomp),
          new Check(
              "capabilities_restricted",
              Level.RESTRICTED,
              22,
              ALWAYS,
              PodSecurityStandards::restrictedCapabilities));

  /** What the level at {@code version} refuses in {@code pod}, one line per failed check. */
  static List<String> violations(Pod pod, Level level, int version) {
    List<String> found = new ArrayList<>();
    for (Check check : CHECKS) {
      if (check.appliesAt(level, version)) {
        check.rule().apply(pod).ifPresent(why -> found.add(check.id() + ": " + why));
      }
    }
    return found;
  }

  // --- the rules -------------------------------------------------------------------------------

  private static Optional<String> hostNamespaces(Pod pod) {
    PodSpec spec = spec(pod);
    return Stream.of(
            Boolean.TRUE.equals(spec.getHostNetwork()) ? "hostNetwork=true" : null,
            Boolean.TRUE.equals(spec.getHostPID()) ? "hostPID=true" : null,
            Boolean.TRUE.equals(spec.getHostIPC()) ? "hostIPC=true" : null)
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static Optional<String> privileged(Pod pod) {
    return containers(pod, c -> Boolean.TRUE.equals(sc(c).getPrivileged()), "privileged=true");
  }

  private static Optional<String> baselineCapabilities(Pod pod) {
    return containers(
        pod,
        c -> added(c).stream().anyMatch(cap -> !BASELINE_CAPABILITIES.contains(cap)),
        "adds capabilities outside the default set");
  }

  private static Optional<String> restrictedCapabilities(Pod pod) {
    Optional<String> dropsAll =
        containers(pod, c -> !dropped(c).contains("ALL"), "must set capabilities.drop=[\"ALL\"]");
    return dropsAll.or(
        () ->
            containers(
                pod,
                c -> added(c).stream().anyMatch(cap -> !"NET_BIND_SERVICE".equals(cap)),
                "may add only NET_BIND_SERVICE"));
  }

  private static Optional<String> hostPath(Pod pod) {
    return PodFacts.list(spec(pod).getVolumes()).stream()
        .filter(v -> v.getHostPath() != null)
        .map(v -> "volume " + v.getName() + " is a hostPath")
        .findFirst();
  }

  private static Optional<String> restrictedVolumes(Pod pod) {
    return PodFacts.list(spec(pod).getVolumes()).stream()
        .filter(v -> !allowedInRestricted(v))
        .map(v -> "volume " + v.getName() + " has a restricted type")
        .findFirst();
  }

  private static boolean allowedInRestricted(Volume v) {
    return v.getConfigMap() != null
        || v.getCsi() != null
        || v.getDownwardAPI() != null
        || v.getEmptyDir() != null
        || v.getEphemeral() != null
        || v.getPersistentVolumeClaim() != null
        || v.getProjected() != null
        || v.getSecret() != null;
  }

  private static Optional<String> hostPorts(Pod pod) {
    return containers(
        pod,
        c ->
            PodFacts.list(c.getPorts()).stream()
                .map(ContainerPort::getHostPort)
                .anyMatch(p -> p != null && p != 0),
        "uses a hostPort");
  }

  private static Optional<String> seccompAnnotations(Pod pod) {
    Map<String, String> annotations = PodFacts.annotations(pod);
    return annotations.entrySet().stream()
        .filter(
            e ->
                e.getKey().equals(POD_SECCOMP_ANNOTATION)
                    || e.getKey().startsWith(CONTAINER_SECCOMP_ANNOTATION))
        .filter(
            e ->
                !e.getValue().equals("runtime/default")
                    && !e.getValue().equals("docker/default")
                    && !e.getValue().startsWith("localhost/"))
        .map(e -> "annotation " + e.getKey() + "=" + e.getValue())
        .findFirst();
  }

  private static Optional<String> baselineSeccomp(Pod pod) {
    PodSecurityContext podContext = spec(pod).getSecurityContext();
    if (podContext != null
        && podContext.getSeccompProfile() != null
        && !validSeccomp(podContext.getSeccompProfile().getType())) {
      return Optional.of("pod sets seccompProfile " + podContext.getSeccompProfile().getType());
    }
    return containers(
        pod,
        c ->
            sc(c).getSeccompProfile() != null && !validSeccomp(sc(c).getSeccompProfile().getType()),
        "sets a seccompProfile other than RuntimeDefault or Localhost");
  }

  private static Optional<String> restrictedSeccomp(Pod pod) {
    PodSecurityContext podContext = spec(pod).getSecurityContext();
    boolean podSet =
        podContext != null
            && podContext.getSeccompProfile() != null
            && validSeccomp(podContext.getSeccompProfile().getType());
    return baselineSeccomp(pod)
        .or(
            () ->
                containers(
                    pod,
                    c -> sc(c).getSeccompProfile() == null && !podSet,
                    "must set seccompProfile RuntimeDefault or Localhost (or the pod must)"));
  }

  private static boolean validSeccomp(String type) {
    return "RuntimeDefault".equals(type) || "Localhost".equals(type);
  }

  private static Optional<String> hostInProbesAndHooks(Pod pod) {
    return containers(
        pod,
        c ->
            Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())
                    .anyMatch(PodSecurityStandards::probeHasHost)
                || c.getLifecycle() != null
                    && (hookHasHost(c.getLifecycle().getPostStart())
                        || hookHasHost(c.getLifecycle().getPreStop())),
        "sets a host in a probe or lifecycle handler");
  }

  private static boolean probeHasHost(Probe probe) {
    return probe != null
        && (probe.getHttpGet() != null && notEmpty(probe.getHttpGet().getHost())
            || probe.getTcpSocket() != null && notEmpty(probe.getTcpSocket().getHost()));
  }

  private static boolean hookHasHost(LifecycleHandler hook) {
    return hook != null
        && (hook.getHttpGet() != null && notEmpty(hook.getHttpGet().getHost())
            || hook.getTcpSocket() != null && notEmpty(hook.getTcpSocket().getHost()));
  }

  private static boolean notEmpty(String value) {
    return value != null && !value.isEmpty();
  }

  private static Optional<String> privilegeEscalation(Pod pod) {
    return containers(
        pod,
        c -> !Boolean.FALSE.equals(sc(c).getAllowPrivilegeEscalation()),
        "must set allowPrivilegeEscalation=false");
  }

  private static Optional<String> nonRoot(Pod pod) {
    PodSecurityContext podContext = spec(pod).getSecurityContext();
    Boolean podValue = podContext == null ? null : podContext.getRunAsNonRoot();
    if (Boolean.FALSE.equals(podValue)) {
      return Optional.of("pod sets runAsNonRoot=false");
    }
    return containers(
            pod, c -> Boolean.FALSE.equals(sc(c).getRunAsNonRoot()), "sets runAsNonRoot=false")
        .or(
            () ->
                containers(
                    pod,
                    c -> sc(c).getRunAsNonRoot() == null && !Boolean.TRUE.equals(podValue),
                    "must set runAsNonRoot=true (or the pod must)"));
  }

  private static Optional<String> notUidZero(Pod pod) {
    PodSecurityContext podContext = spec(pod).getSecurityContext();
    if (podContext != null && Long.valueOf(0).equals(podContext.getRunAsUser())) {
      return Optional.of("pod sets runAsUser=0");
    }
    return containers(pod, c -> Long.valueOf(0).equals(sc(c).getRunAsUser()), "sets runAsUser=0");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static PodSpec spec(Pod pod) {
    return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
  }

  /** Containers and init containers, as the plugin visits them. */
  private static Optional<String> containers(
      Pod pod, java.util.function.Predicate<Container> bad, String what) {
    return Stream.concat(
            PodFacts.list(spec(pod).getInitContainers()).stream(),
            PodFacts.list(spec(pod).getContainers()).stream())
        .filter(bad)
        .map(c -> "container " + c.getName() + " " + what)
        .findFirst();
  }

  private static SecurityContext sc(Container container) {
    return container.getSecurityContext() == null
        ? new SecurityContext()
        : container.getSecurityContext();
  }

  private static List<String> added(Container container) {
    Capabilities capabilities = sc(container).getCapabilities();
    return capabilities == null ? List.of() : PodFacts.list(capabilities.getAdd());
  }

  private static List<String> dropped(Container container) {
    Capabilities capabilities = sc(container).getCapabilities();
    return capabilities == null ? List.of() : PodFacts.list(capabilities.getDrop());
  }
}
