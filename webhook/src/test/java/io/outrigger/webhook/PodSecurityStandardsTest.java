package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.webhook.PodSecurityStandards.Level;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checker against the Pod Security Standards' own statements (kubernetes.io, "Pod Security
 * Standards", and the plugin's per-check versions): each case is a pod, a level, a version and the
 * check that must refuse it, or none.
 */
class PodSecurityStandardsTest {

  /** A pod that passes restricted at every version; each case changes one thing. */
  static final String COMPLIANT =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: app, namespace: shop}
      spec:
        securityContext:
          runAsNonRoot: true
          seccompProfile: {type: RuntimeDefault}
        volumes:
        - {name: config, configMap: {name: app}}
        containers:
        - name: app
          image: app:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
      """;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          the compliant pod at restricted                   | RESTRICTED | latest | -                 | -
          NET_ADMIN is refused at baseline                  | BASELINE   | v1.0   | add NET_ADMIN     | capabilities_baseline
          NET_RAW is refused at baseline                    | BASELINE   | latest | add NET_RAW       | capabilities_baseline
          CHOWN is in the default set                       | BASELINE   | latest | add CHOWN         | -
          CHOWN is refused at restricted from 1.22          | RESTRICTED | v1.22  | add CHOWN         | capabilities_restricted
          restricted adds nothing on capabilities in 1.21   | RESTRICTED | v1.21  | add CHOWN         | -
          NET_BIND_SERVICE is admitted at restricted        | RESTRICTED | latest | add NET_BIND_SERVICE | -
          not dropping ALL is refused at restricted 1.22    | RESTRICTED | v1.22  | keep capabilities | capabilities_restricted
          not dropping ALL was admitted at restricted 1.21  | RESTRICTED | v1.21  | keep capabilities | -
          privileged is refused at baseline                 | BASELINE   | v1.0   | privileged        | privileged
          privileged is admitted at privileged              | PRIVILEGED | latest | privileged        | -
          host network is refused at baseline               | BASELINE   | latest | host network      | hostNamespaces
          a host port is refused at baseline                | BASELINE   | latest | host port         | hostPorts
          a hostPath volume is refused at baseline          | BASELINE   | latest | hostPath          | hostPathVolumes
          an nfs volume is admitted at baseline             | BASELINE   | latest | nfs               | -
          an nfs volume is refused at restricted            | RESTRICTED | v1.0   | nfs               | restrictedVolumes
          Unconfined seccomp is refused at baseline 1.19    | BASELINE   | v1.19  | unconfined        | seccompProfile_baseline
          the seccomp field counts only from 1.19           | BASELINE   | v1.18  | unconfined        | -
          the unconfined annotation is refused before 1.19  | BASELINE   | v1.18  | unconfined annotation | seccompProfile_baseline (annotations)
          no seccomp profile is admitted at baseline        | BASELINE   | latest | no seccomp        | -
          no seccomp profile is refused at restricted 1.19  | RESTRICTED | v1.19  | no seccomp        | seccompProfile_restricted
          no seccomp profile was admitted at restricted 1.18 | RESTRICTED | v1.18 | no seccomp        | -
          allowPrivilegeEscalation unset is refused         | RESTRICTED | v1.8   | escalation unset  | allowPrivilegeEscalation
          allowPrivilegeEscalation is not checked before 1.8 | RESTRICTED | v1.7  | escalation unset  | -
          runAsNonRoot unset everywhere is refused          | RESTRICTED | v1.0   | no runAsNonRoot   | runAsNonRoot
          a container's runAsNonRoot false beats the pod's  | RESTRICTED | latest | container root    | runAsNonRoot
          runAsUser 0 is refused at restricted from 1.23    | RESTRICTED | v1.23  | uid 0             | runAsUser
          runAsUser 0 was admitted at restricted 1.22       | RESTRICTED | v1.22  | uid 0             | -
          runAsUser 0 is admitted at baseline               | BASELINE   | latest | uid 0             | -
          a probe host is refused at baseline from 1.34     | BASELINE   | v1.34  | probe host        | hostProbesAndHostLifecycle
          a probe host was admitted at baseline 1.33        | BASELINE   | v1.33  | probe host        | -
          """)
  void theStandardsRules(String name, Level level, String version, String change, String check) {
    Pod pod = change(Serialization.unmarshal(COMPLIANT, Pod.class), change);
    List<String> violations =
        PodSecurityStandards.violations(pod, level, InjectedPodSecurityTest.version(version));
    if ("-".equals(check)) {
      assertThat(violations).as(name).isEmpty();
    } else {
      assertThat(violations).as(name).anyMatch(v -> v.startsWith(check + ": "));
    }
  }

  private static Pod change(Pod pod, String change) {
    var app = pod.getSpec().getContainers().get(0);
    var context = app.getSecurityContext();
    switch (change) {
      case "-" -> {}
      case "add NET_ADMIN" -> context.getCapabilities().setAdd(List.of("NET_ADMIN"));
      case "add NET_RAW" -> context.getCapabilities().setAdd(List.of("NET_RAW"));
      case "add CHOWN" -> context.getCapabilities().setAdd(List.of("CHOWN"));
      case "add NET_BIND_SERVICE" -> context.getCapabilities().setAdd(List.of("NET_BIND_SERVICE"));
      case "keep capabilities" -> context.setCapabilities(null);
      case "privileged" -> context.setPrivileged(true);
      case "host network" -> pod.getSpec().setHostNetwork(true);
      case "host port" ->
          app.setPorts(
              List.of(new ContainerPortBuilder().withContainerPort(80).withHostPort(80).build()));
      case "hostPath" ->
          pod.getSpec()
              .getVolumes()
              .add(
                  new VolumeBuilder()
                      .withName("host")
                      .withNewHostPath()
                      .withPath("/")
                      .endHostPath()
                      .build());
      case "nfs" ->
          pod.getSpec()
              .getVolumes()
              .add(
                  new VolumeBuilder()
                      .withName("share")
                      .withNewNfs()
                      .withServer("nfs")
                      .withPath("/")
                      .endNfs()
                      .build());
      case "unconfined" ->
          context.setSeccompProfile(new SeccompProfileBuilder().withType("Unconfined").build());
      case "unconfined annotation" ->
          pod.getMetadata()
              .setAnnotations(
                  Map.of("container.seccomp.security.alpha.kubernetes.io/app", "unconfined"));
      case "no seccomp" -> pod.getSpec().getSecurityContext().setSeccompProfile(null);
      case "escalation unset" -> context.setAllowPrivilegeEscalation(null);
      case "no runAsNonRoot" -> pod.getSpec().getSecurityContext().setRunAsNonRoot(null);
      case "container root" -> context.setRunAsNonRoot(false);
      case "uid 0" -> context.setRunAsUser(0L);
      case "probe host" ->
          app.setReadinessProbe(
              new ProbeBuilder()
                  .withNewHttpGet()
                  .withHost("10.0.0.1")
                  .withPath("/")
                  .withNewPort(8080)
                  .endHttpGet()
                  .build());
      default -> throw new IllegalArgumentException(change);
    }
    return pod;
  }
}
