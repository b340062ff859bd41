package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFileBuilder;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names of the volumes the sidecar uses in one pod. Each is ours unless the pod already has a
 * volume by that name, then the first free {@code -1}, {@code -2}, ... suffix; the log volume is
 * the app's own when an app container already mounts one at the log directory.
 *
 * @param logs {@code null} when the policy does not tail logs
 * @param tls {@code null} when the policy does not terminate TLS
 */
record VolumeNames(
    String config,
    String podinfo,
    String token,
    String tmp,
    String logs,
    boolean logsAlreadyInPod,
    String tls) {

  static VolumeNames choose(Pod pod, InjectionPlan plan, EffectivePolicy policy) {
    Optional<String> existingLogs =
        plan.logs() ? mountedAt(pod, plan.logDirectory()) : Optional.empty();
    return new VolumeNames(
        free(pod, InjectedNames.CONFIG_VOLUME),
        free(pod, InjectedNames.PODINFO_VOLUME),
        free(pod, InjectedNames.TOKEN_VOLUME),
        free(pod, InjectedNames.TMP_VOLUME),
        !plan.logs() ? null : existingLogs.orElseGet(() -> free(pod, InjectedNames.LOGS_VOLUME)),
        existingLogs.isPresent(),
        policy.injection().tlsSecretName() == null ? null : free(pod, InjectedNames.TLS_VOLUME));
  }

  private static String free(Pod pod, String base) {
    return PodFacts.freeName(base, name -> PodFacts.hasVolume(pod, name));
  }

  private static Optional<String> mountedAt(Pod pod, String directory) {
    for (Container app : PodFacts.containers(pod)) {
      for (VolumeMount mount : PodFacts.list(app.getVolumeMounts())) {
        if (SidecarInjector.samePath(mount.getMountPath(), directory)) {
          return Optional.ofNullable(mount.getName());
        }
      }
    }
    return Optional.empty();
  }

  /** The volumes to append to the pod. */
  List<Volume> toAdd(EffectivePolicy policy, InjectionPlan plan) {
    List<Volume> volumes = new ArrayList<>();
    List<DownwardAPIVolumeFile> configFiles = new ArrayList<>();
    configFiles.add(annotationFile(Names.CONFIG_KEY, Names.SIDECAR_CONFIG));
    if (plan.reportCa() != null) {
      configFiles.add(annotationFile(InjectedNames.REPORT_CA_KEY, Names.REPORT_CA));
    }
    volumes.add(
        new VolumeBuilder()
            .withName(config)
            .withNewDownwardAPI()
            .withItems(configFiles)
            .endDownwardAPI()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(podinfo)
            .withNewDownwardAPI()
            .withItems(
                new DownwardAPIVolumeFileBuilder()
                    .withPath("labels")
                    .withFieldRef(
                        new ObjectFieldSelectorBuilder().withFieldPath("metadata.labels").build())
                    .build(),
                new DownwardAPIVolumeFileBuilder()
                    .withPath("annotations")
                    .withFieldRef(
                        new ObjectFieldSelectorBuilder()
                            .withFieldPath("metadata.annotations")
                            .build())
                    .build())
            .endDownwardAPI()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(token)
            .withNewProjected()
            .withSources(
                new VolumeProjectionBuilder()
                    .withServiceAccountToken(
                        new ServiceAccountTokenProjectionBuilder()
                            .withAudience(Names.TOKEN_AUDIENCE)
                            .withExpirationSeconds(InjectedNames.TOKEN_EXPIRATION_SECONDS)
                            .withPath(InjectedNames.TOKEN_FILE)
                            .build())
                    .build())
            .endProjected()
            .build());
    volumes.add(new VolumeBuilder().withName(tmp).withEmptyDir(new EmptyDirVolumeSource()).build());
    if (plan.logs() && !logsAlreadyInPod) {
      volumes.add(
          new VolumeBuilder().withName(logs).withEmptyDir(new EmptyDirVolumeSource()).build());
    }
    if (tls != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(tls)
              .withNewSecret()
              .withSecretName(policy.injection().tlsSecretName())
              .endSecret()
              .build());
    }
    return volumes;
  }

  /** A file of the downward API volume holding one annotation's value. */
  private static DownwardAPIVolumeFile annotationFile(String path, String annotation) {
    return new DownwardAPIVolumeFileBuilder()
        .withPath(path)
        .withFieldRef(
            new ObjectFieldSelectorBuilder()
                .withFieldPath("metadata.annotations['" + annotation + "']")
                .build())
        .build();
  }
}
