package io.outrigger.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/**
 * A client pod sending steady, bounded load to a URL in the cluster ({@code DemoLoad} in the demo
 * app's image) as a Job, and its summary: how many requests it sent, how many were answered 2xx,
 * and the failures by cause. The pod is not opted in, so its requests reach the Service as any
 * client's would and are intercepted on the server's side only.
 */
final class LoadJob {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  private LoadJob(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /**
   * Starts {@code rate} requests per second for {@code seconds} from {@code image} (the demo
   * app's), with request ids {@code name-<n>}.
   */
  static LoadJob start(
      KubernetesClient client,
      String namespace,
      String image,
      String name,
      String url,
      int rate,
      int seconds) {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "demo-load")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("load")
            .withImage(image)
            .withImagePullPolicy("IfNotPresent")
            // A client with no request is BestEffort (cpu.shares 2): beside busy pods it gets
            // almost
            // no CPU and its own slowness would pass for the server's.
            .withNewResources()
            .addToRequests("cpu", new Quantity("500m"))
            .addToRequests("memory", new Quantity("128Mi"))
            .endResources()
            .withCommand(
                "java",
                "-cp",
                "/app",
                "DemoLoad",
                url,
                Integer.toString(rate),
                Integer.toString(seconds),
                name)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
    return new LoadJob(client, namespace, name);
  }

  /** Waits for the client to finish and returns its summary line. */
  JsonNode summary(Duration max) throws Exception {
    await(name + " finished")
        .atMost(max)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
              Integer succeeded = job.getStatus().getSucceeded();
              Integer failed = job.getStatus().getFailed();
              return (succeeded != null && succeeded > 0) || (failed != null && failed > 0);
            });
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel("job-name", name).list().getItems();
    String log =
        client.pods().inNamespace(namespace).withName(pods.get(0).getMetadata().getName()).getLog();
    String[] lines = log.strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }
}
