package io.outrigger.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodIdentityTest {
  @Test
  void readsTheDownwardApiLabelsFileFormat() {
    assertThat(
            PodIdentity.parseLabelsFile(
                "app=\"shop\"\npod-template-hash=\"7d9f\"\nquote=\"a\\\"b\"\nbroken line\n"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("app", "shop", "pod-template-hash", "7d9f", "quote", "a\"b"));
  }

  /** The webhook mounts the downward API volume and names its directory, not the file. */
  @Test
  void readsThePodLabelsFromThePodinfoDirectoryTheWebhookMounts(@TempDir Path podinfo)
      throws Exception {
    Files.writeString(podinfo.resolve("labels"), "app=\"demo-app\"\nversion=\"1\"\n");
    PodIdentity pod =
        PodIdentity.fromEnvironment(
            Map.of(
                "POD_NAME", "demo-app-7d9f-x", SidecarEnvironment.PODINFO_DIR, podinfo.toString()));
    assertThat(pod.labels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("app", "demo-app", "version", "1"));
  }

  @Test
  void fallsBackToTheHostNameStandalone() {
    PodIdentity pod = PodIdentity.fromEnvironment(Map.of("HOSTNAME", "laptop"));
    assertThat(pod.podName()).isEqualTo("laptop");
    assertThat(pod.namespace()).isEqualTo("standalone");
    assertThat(pod.workload()).isEqualTo("laptop");
  }

  @Test
  void downwardApiVariablesWin() {
    PodIdentity pod =
        PodIdentity.fromEnvironment(
            Map.of(
                "POD_NAME",
                "shop-1",
                "POD_NAMESPACE",
                "prod",
                "NODE_NAME",
                "n1",
                "POD_UID",
                "u",
                "OUTRIGGER_WORKLOAD",
                "shop"));
    assertThat(pod).isEqualTo(new PodIdentity("shop-1", "prod", "n1", "u", "shop", Map.of()));
  }

  @Test
  void readsTheWorkloadKindTheAnnotationsAndTheAppContainer(@TempDir Path podinfo)
      throws Exception {
    Files.writeString(
        podinfo.resolve("annotations"),
        "resource.opentelemetry.io/service.version=\"1.4.2\"\nteam=\"payments\"\n");
    PodIdentity pod =
        PodIdentity.fromEnvironment(
            Map.of(
                "POD_NAME",
                "shop-7d9f-x",
                SidecarEnvironment.WORKLOAD,
                "shop",
                SidecarEnvironment.WORKLOAD_KIND,
                "Deployment",
                SidecarEnvironment.APP_CONTAINERS,
                "web,worker",
                SidecarEnvironment.PODINFO_DIR,
                podinfo.toString()));
    assertThat(pod.workloadKind()).isEqualTo("Deployment");
    assertThat(pod.appContainer()).isEqualTo("web");
    assertThat(pod.annotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("resource.opentelemetry.io/service.version", "1.4.2", "team", "payments"));
    assertThat(pod.labels()).as("no labels file").isEmpty();
  }
}
