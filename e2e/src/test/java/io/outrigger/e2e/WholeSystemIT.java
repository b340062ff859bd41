package io.outrigger.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outrigger as a cluster admin and an app team run it, on a real node: the chart installed with
 * Helm's own code, the operator running as pods from its image, the examples applied unchanged, the
 * demo pods injected and Ready, the policy's status from the sidecars' own reports, and an
 * uninstall that leaves nothing of the release behind. The steps build on each other, so they run
 * in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterDiagnostics.class)
class WholeSystemIT {
  private static final String RELEASE = "outrigger";
  private static final String SYSTEM = "outrigger-system";
  private static final String DEMO = "demo";
  private static final String RELEASE_SELECTOR = "app.kubernetes.io/instance=" + RELEASE;
  private static final ResourceDefinitionContext POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("outrigger.io")
          .withVersion("v1alpha1")
          .withPlural("observabilitypolicies")
          .withKind("ObservabilityPolicy")
          .withNamespaced(true)
          .build();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KubernetesClient client;
  private static Receivers receivers;

  @BeforeAll
  static void connect() {
    client = Node.client();
  }

  @AfterAll
  static void close() throws Exception {
    if (receivers != null) {
      receivers.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Test
  @Order(1)
  void theChartInstallsAndTheOperatorRunsFromItsImage() {
    Release installed =
        new Helm(Node.repo("helm/outrigger"))
            .install()
            .withName(RELEASE)
            .withNamespace(SYSTEM)
            .createNamespace()
            .withKubeConfigContents(Node.kubeconfigYaml())
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");

    eventually(
            "the operator's Deployment available with every replica ready", Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              Deployment operator =
                  client
                      .apps()
                      .deployments()
                      .inNamespace(SYSTEM)
                      .withName(RELEASE + "-operator")
                      .get();
              assertThat(operator.getStatus().getReadyReplicas())
                  .isEqualTo(operator.getSpec().getReplicas());
            });
    await("a leader holds the Lease")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        client.leases().inNamespace(SYSTEM).list().getItems().stream()
                            .map(Lease::getSpec)
                            .filter(s -> s.getHolderIdentity() != null)
                            .toList())
                    .isNotEmpty());
    await("the operator's CA in the webhook configuration")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              MutatingWebhookConfiguration webhook =
                  client
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName(RELEASE)
                      .get();
              assertThat(webhook.getWebhooks())
                  .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNotBlank());
            });
  }

  @Test
  @Order(2)
  void theDemoPodsAreInjectedReadyAndReportedByTheirSidecars() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(DEMO).endMetadata().build())
        .serverSideApply();
    apply(DEMO, "examples/policy-metrics.yaml");
    awaitInjectionOf("demo-metrics");
    apply(DEMO, "examples/demo-app/kubernetes.yaml");

    eventually("two demo pods Running and Ready with the sidecar", Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  client.pods().inNamespace(DEMO).withLabel("app", "demo-app").list().getItems();
              assertThat(pods).hasSize(2);
              for (Pod pod : pods) {
                assertThat(pod.getSpec().getContainers().stream().map(Container::getName))
                    .contains("app", "outrigger-sidecar");
                assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
                assertThat(pod.getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        });
              }
            });
    eventually("the policy Ready from the sidecars' reports", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              GenericKubernetesResource policy =
                  client
                      .genericKubernetesResources(POLICIES)
                      .inNamespace(DEMO)
                      .withName("demo-metrics")
                      .get();
              @SuppressWarnings("unchecked")
              Map<String, Object> status =
                  (Map<String, Object>) policy.getAdditionalProperties().get("status");
              assertThat(status).isNotNull();
              assertThat(String.valueOf(status)).contains("Ready");
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> conditions =
                  (List<Map<String, Object>>) status.get("conditions");
              assertThat(conditions)
                  .anySatisfy(
                      c -> {
                        assertThat(c.get("type")).isEqualTo("Ready");
                        assertThat(c.get("status")).isEqualTo("True");
                      });
            });
    // The config and the report CA travel in the pod (ADR 0010): the sidecars above started and
    // reported over TLS with nothing the operator wrote into this namespace.
    for (Pod pod : demoPods()) {
      assertThat(pod.getMetadata().getAnnotations())
          .containsKeys("outrigger.io/sidecar-config", "outrigger.io/report-ca");
    }
    assertThat(
            client.configMaps().inNamespace(DEMO).list().getItems().stream()
                .map(c -> c.getMetadata().getName()))
        .as("ConfigMaps in the demo namespace")
        .allMatch(name -> name.equals("kube-root-ca.crt"));
  }

  @Test
  @Order(3)
  void requestsThroughTheServiceAreAnsweredAndTheirTelemetryReachesRealReceivers()
      throws Exception {
    receivers = Receivers.start(client);
    client.genericKubernetesResources(POLICIES).inNamespace(DEMO).withName("demo-metrics").delete();
    apply(DEMO, "src/test/resources/policy-telemetry.yaml", true);
    awaitInjectionOf("demo-telemetry");
    // The app reports spans of its own, as an instrumented app does; new pods pick up the policy.
    client
        .apps()
        .deployments()
        .inNamespace(DEMO)
        .withName("demo-app")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getEnv()
                  .add(new EnvVar("DEMO_ZIPKIN_URL", Receivers.ZIPKIN_SPANS, null));
              return d;
            });
    awaitDemoPodsReadyUnder("demo-telemetry");

    LoadJob load =
        LoadJob.start(
            client,
            DEMO,
            demoImage(),
            "traffic",
            "http://demo-app." + DEMO + ".svc.cluster.local/orders/7",
            20,
            10);
    JsonNode summary = load.summary(Duration.ofMinutes(3));
    assertThat(summary.get("ok").asInt()).as("answered of " + summary).isEqualTo(200);

    eventually("every request's log line at the Forward receiver", Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(requestIds(receivers.forward, "traffic-"))
                    .as("distinct request ids received")
                    .hasSize(200));
    Map<String, Object> line = logLineOf(receivers.forward, "traffic-0");
    assertThat(line)
        .as("a forwarded line keeps the app's fields and gets the pod's")
        .containsEntry("path", "/orders/7")
        .containsKey("trace_id");

    String traceId = String.valueOf(line.get("trace_id"));
    eventually(
            "the request's trace at Zipkin: the app's span a child of the sidecar's",
            Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              JsonNode spans = getJson(receivers.zipkin.uri("/api/v2/trace/" + traceId));
              JsonNode server = null;
              for (JsonNode span : spans) {
                if ("SERVER".equals(span.path("kind").asText())) {
                  server = span;
                }
              }
              assertThat(server).as("the sidecar's server span in " + spans).isNotNull();
              String serverId = server.get("id").asText();
              assertThat(spans)
                  .as("the app's own span under the sidecar's")
                  .anySatisfy(
                      span -> {
                        assertThat(span.path("name").asText()).isEqualTo("handle /orders/7");
                        assertThat(span.path("parentId").asText()).isEqualTo(serverId);
                      });
            });

    eventually(
            "the app's metrics with pod labels and the RED metrics in Prometheus",
            Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              receivers.discoverPods(client, DEMO);
              assertThat(
                      values(
                          "count(count by (pod) (demo_requests_total{namespace=\"demo\",app=\"demo-app\","
                              + "version=\"1\",workload=\"demo-app\",code=\"200\"}))"))
                  .as("pods whose app metrics carry the pod labels")
                  .containsExactly(2.0);
              assertThat(
                      values(
                          "sum(outrigger_requests_total{direction=\"inbound\",route=\"/orders/{id}\","
                              + "status_code=\"200\"})"))
                  .as("requests counted by the sidecars")
                  .singleElement()
                  .satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(200.0));
            });
  }

  @Test
  @Order(7)
  void theSidecarsMemoryIdleAndAtAThousandRequestsPerSecondStaysWithinItsLimit() throws Exception {
    Map<String, Integer> restarts = sidecarRestarts();
    String node = demoPods().get(0).getSpec().getNodeName();
    Map<String, Long> idle = SidecarMemory.workingSets(client, node, DEMO);

    Duration testCpuBefore = ProcessHandle.current().info().totalCpuDuration().orElseThrow();
    LoadJob load = LoadJob.start(client, DEMO, demoImage(), "rate", demoUrl(), 1000, 30);
    Map<String, Long> peak = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    Map<String, Double> cpuAt20s = Map.of();
    long cpuSampleAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      SidecarMemory.workingSets(client, node, DEMO)
          .forEach((pod, b) -> peak.merge(pod, b, Math::max));
      if (cpuAt20s.isEmpty() && System.nanoTime() > cpuSampleAt) {
        cpuAt20s = SidecarMemory.cpuCores(client, node);
      }
      Thread.sleep(2_000);
    }
    JsonNode summary = load.summary(Duration.ofMinutes(2));
    Duration testCpu =
        ProcessHandle.current().info().totalCpuDuration().orElseThrow().minus(testCpuBefore);
    Map<String, String> resources = sidecarResources(demoPods().get(0));
    System.out.printf(
        "[e2e] sidecar memory (working set; tracing at 1%%, metrics and logs on): idle %s, peak at %s req/s offered (%s answered of %s in"
            + " %s s: %.0f req/s) %s; requests %s, limits %s%n",
        idle.values().stream().map(SidecarMemory::mebibytes).toList(),
        1000,
        summary.get("ok"),
        summary.get("sent"),
        summary.get("seconds"),
        summary.get("ok").asDouble() / summary.get("seconds").asDouble(),
        peak.values().stream().map(SidecarMemory::mebibytes).toList(),
        resources.get("requests"),
        resources.get("limits"));
    System.out.printf(
        "[e2e] CPU in cores 20 s into the load (kubelet summary): %s; this test's JVM (receivers"
            + " of logs and metrics) %.1f s of CPU during the load%n",
        cpuAt20s.entrySet().stream()
            .filter(e -> e.getValue() >= 0.01)
            .map(e -> e.getKey() + "=" + String.format("%.2f", e.getValue()))
            .toList(),
        testCpu.toMillis() / 1000.0);
    assertThat(sidecarRestarts()).as("no sidecar restarted (no OOM kill)").isEqualTo(restarts);
    long limit = sidecarMemoryLimit(demoPods().get(0));
    assertThat(peak.values())
        .as("peak working sets below the default limit")
        .allSatisfy(b -> assertThat(b).isLessThan(limit));
  }

  @Test
  @Order(4)
  void aKilledSidecarIsRestartedAndNoLogLineIsLost() throws Exception {
    Pod victim = demoPods().get(0);
    int restartsBefore = sidecarStatus(victim.getMetadata().getName()).getRestartCount();
    LoadJob load = LoadJob.start(client, DEMO, demoImage(), "crash", demoUrl(), 20, 40);
    Thread.sleep(10_000);
    Node.killContainer(sidecarStatus(victim.getMetadata().getName()).getContainerID());

    eventually("the killed sidecar restarted by the kubelet and ready", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              ContainerStatus status = sidecarStatus(victim.getMetadata().getName());
              assertThat(status.getRestartCount()).isEqualTo(restartsBefore + 1);
              assertThat(status.getReady()).isTrue();
            });
    JsonNode summary = load.summary(Duration.ofMinutes(2));
    Set<String> written = new HashSet<>();
    for (Pod pod : demoPods()) {
      written.addAll(requestIdsInAppLog(pod.getMetadata().getName(), "crash-"));
    }
    eventually("every line the app wrote at the Forward receiver", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              Set<String> lost = new HashSet<>(written);
              lost.removeAll(requestIds(receivers.forward, "crash-"));
              assertThat(lost).as("lines written but never received").isEmpty();
            });
    long duplicates =
        receivers.forward.countsBy("request_id").entrySet().stream()
            .filter(e -> e.getKey().startsWith("crash-"))
            .mapToLong(e -> e.getValue() - 1)
            .sum();
    System.out.printf(
        "[e2e] sidecar killed under load: %d lines written, 0 lost, %d duplicated at the receiver;"
            + " client %s%n",
        written.size(), duplicates, summary);
    assertThat(written).as("lines the app wrote during the run").isNotEmpty();
  }

  @Test
  @Order(5)
  void aRolloutRestartUnderSteadyLoadFailsNoRequest() throws Exception {
    Set<String> before = podNames(demoPods());
    LoadJob load = LoadJob.start(client, DEMO, demoImage(), "rollout", demoUrl(), 20, 60);
    Thread.sleep(5_000);
    client.apps().deployments().inNamespace(DEMO).withName("demo-app").rolling().restart();
    eventually("every demo pod replaced", Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  client.pods().inNamespace(DEMO).withLabel("app", "demo-app").list().getItems();
              assertThat(podNames(pods)).doesNotContainAnyElementsOf(before).hasSize(2);
            });
    JsonNode summary = load.summary(Duration.ofMinutes(2));
    System.out.println("[e2e] rollout restart under load: " + summary);
    assertThat(summary.get("failed").asInt()).as("failed requests of " + summary).isZero();
  }

  @Test
  @Order(6)
  void aPolicyEditIsAppliedLiveByTheRunningSidecars() throws Exception {
    awaitDemoPodsReadyUnder("demo-telemetry");
    List<Pod> pods = demoPods();
    Map<String, Integer> restarts = sidecarRestarts();
    client
        .genericKubernetesResources(POLICIES)
        .inNamespace(DEMO)
        .withName("demo-telemetry")
        .edit(
            policy -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) policy.getAdditionalProperties().get("spec");
              @SuppressWarnings("unchecked")
              Map<String, Object> tracing = (Map<String, Object>) spec.get("tracing");
              // Istio's default and the sidecar's: 1% of new traces.
              tracing.put("samplingRatio", 0.01);
              return policy;
            });
    LoadJob load = LoadJob.start(client, DEMO, demoImage(), "edit", demoUrl(), 4, 150);
    // The client keeps one connection, so its requests may all reach one pod: that pod shows the
    // effect, and every sidecar's report shows it runs the new config.
    eventually(
            "the running sidecars stop sampling: trace flags 00 reach the app",
            Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        receivers.forward.events().stream()
                            .map(ForwardSink.Event::record)
                            .filter(r -> String.valueOf(r.get("request_id")).startsWith("edit-"))
                            .filter(r -> "00".equals(r.get("trace_flags")))
                            .map(r -> String.valueOf(r.get("k8s.pod.name")))
                            .toList())
                    .isNotEmpty()
                    .isSubsetOf(podNames(pods)));
    eventually("every running sidecar says it applied the edit live", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              for (Pod pod : pods) {
                String log =
                    client
                        .pods()
                        .inNamespace(DEMO)
                        .withName(pod.getMetadata().getName())
                        .inContainer("outrigger-sidecar")
                        .getLog();
                assertThat(
                        log.lines()
                            .map(WholeSystemIT::jsonOrEmpty)
                            .filter(e -> e.path("msg").asText().equals("config reloaded"))
                            .map(e -> e.path("appliedLive").asText()))
                    .as("live changes in the config reloads of " + pod.getMetadata().getName())
                    .anySatisfy(applied -> assertThat(applied).contains("tracing.samplingRatio"));
              }
            });
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(DEMO)
        .withName("edit")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    assertThat(podNames(demoPods())).as("the same pods: applied live").isEqualTo(podNames(pods));
    assertThat(sidecarRestarts()).as("no sidecar restarted").isEqualTo(restarts);
    // Injected with the old hash, running the new one in full: not outdated (their reports say so).
    eventually(
            "the policy counts no pod outdated once its sidecars run the edit",
            Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> status =
                  (Map<String, Object>)
                      client
                          .genericKubernetesResources(POLICIES)
                          .inNamespace(DEMO)
                          .withName("demo-telemetry")
                          .get()
                          .getAdditionalProperties()
                          .get("status");
              assertThat(status).containsEntry("injectedPods", pods.size());
              assertThat(status).containsEntry("outdatedPods", 0);
            });
  }

  @Test
  @Order(8)
  void withTheOperatorDownAPodIsCreatedWithoutTheSidecarAndCountedMissedOnceItIsBack() {
    String operator = RELEASE + "-operator";
    int replicas =
        client
            .apps()
            .deployments()
            .inNamespace(SYSTEM)
            .withName(operator)
            .get()
            .getSpec()
            .getReplicas();
    client.apps().deployments().inNamespace(SYSTEM).withName(operator).scale(0);
    eventually("no operator pod left", Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(SYSTEM)
                            .withLabelSelector(RELEASE_SELECTOR)
                            .list()
                            .getItems())
                    .isEmpty());

    Pod created =
        client
            .pods()
            .inNamespace(DEMO)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("created-while-the-operator-was-down")
                    .addToLabels("app", "demo-app")
                    .addToLabels("outrigger.io/inject", "true")
                    .endMetadata()
                    .withSpec(demoDeployment().getSpec().getTemplate().getSpec())
                    .build())
            .create();
    assertThat(created.getSpec().getContainers().stream().map(Container::getName))
        .as("admitted fail-open, without the sidecar")
        .containsExactly("app");

    client.apps().deployments().inNamespace(SYSTEM).withName(operator).scale(replicas);
    eventually("the operator back and the pod counted missed", Duration.ofMinutes(4))
        .untilAsserted(
            () -> assertThat(policyStatus("demo-telemetry").get("missedPods")).isEqualTo(1));
    client.pods().inNamespace(DEMO).withName("created-while-the-operator-was-down").delete();
  }

  /**
   * Every query of the chart's Grafana dashboard returns data from this run, as the real Prometheus
   * scraped it from the sidecars and the operator. The app's outbound capture is turned on first
   * (an injection change: new pods), so its span posts to Zipkin go through the ambassador and its
   * panels have data too.
   */
  @Test
  @Order(9)
  void everyPanelOfTheDashboardShowsDataFromThisRun() throws Exception {
    client
        .genericKubernetesResources(POLICIES)
        .inNamespace(DEMO)
        .withName("demo-telemetry")
        .edit(
            policy -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) policy.getAdditionalProperties().get("spec");
              @SuppressWarnings("unchecked")
              Map<String, Object> injection = (Map<String, Object>) spec.get("injection");
              injection.put("captureOutbound", true);
              @SuppressWarnings("unchecked")
              Map<String, Object> tracing = (Map<String, Object>) spec.get("tracing");
              tracing.put("samplingRatio", 1.0);
              return policy;
            });
    eventually("the webhook captures the app's outbound traffic", Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(dryRunDemoPod().getSpec().getInitContainers())
                    .anySatisfy(init -> assertThat(init.getArgs()).contains("--capture-outbound")));
    Set<String> before = podNames(demoPods());
    client.apps().deployments().inNamespace(DEMO).withName("demo-app").rolling().restart();
    eventually("every demo pod replaced", Duration.ofMinutes(4))
        .untilAsserted(() -> assertThat(podNames(demoPods())).doesNotContainAnyElementsOf(before));
    awaitDemoPodsReadyUnder("demo-telemetry");
    receivers.discoverPods(client, DEMO, SYSTEM);

    LoadJob load = LoadJob.start(client, DEMO, demoImage(), "dashboard", demoUrl(), 20, 20);
    JsonNode summary = load.summary(Duration.ofMinutes(3));
    assertThat(summary.get("failed").asInt()).as("failed requests of " + summary).isZero();

    JsonNode dashboard =
        JSON.readTree(Node.repo("helm/outrigger/dashboards/outrigger.json").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            panel.path("title").asText()
                + " | "
                + target
                    .path("expr")
                    .asText()
                    .replace("$namespace", ".*")
                    .replace("$pod", ".*")
                    .replace("$__rate_interval", "2m"));
      }
    }
    assertThat(queries).as("the dashboard's queries").hasSizeGreaterThan(20);
    eventually("every panel's query answered with data", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              List<String> empty = new ArrayList<>();
              for (String query : queries) {
                String promql = query.substring(query.indexOf(" | ") + 3);
                JsonNode answer = JSON.readTree(receivers.prometheus.query(promql));
                assertThat(answer.path("status").asText())
                    .as(query + ": " + answer)
                    .isEqualTo("success");
                if (answer.path("data").path("result").isEmpty()) {
                  empty.add(query);
                }
              }
              assertThat(empty).as("panel queries without data").isEmpty();
            });
  }

  /**
   * Issue 22 items 2 and 3 on the live node: the Deployment was told what admission did (a Normal
   * event whose count follows its pods), and the plugin's release archive, unpacked and run as a
   * user would, explains the demo Deployment's injection and reads the policy and its sidecars.
   */
  @Test
  @Order(10)
  void theDeploymentIsToldAndThePluginExplainsThePodsAndTheirPolicy() throws Exception {
    awaitDemoPodsReadyUnder("demo-telemetry");
    eventually("an Injected event on the Deployment", Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(DEMO).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("demo-app");
                          assertThat(e.getType()).isEqualTo("Normal");
                          assertThat(e.getReason()).isEqualTo("Injected");
                          assertThat(e.getMessage()).endsWith("from policy demo-telemetry");
                          assertThat(e.getCount()).isGreaterThanOrEqualTo(2);
                        }));

    Path dir = Files.createTempDirectory("kubectl-plugin");
    Process untar =
        new ProcessBuilder(
                "tar", "-xzf", System.getProperty("outrigger.cliArchive"), "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(untar.waitFor()).as(new String(untar.getInputStream().readAllBytes())).isZero();

    String check =
        plugin(
            dir,
            "check-inject",
            "-n",
            DEMO,
            "-f",
            Node.repo("examples/demo-app/kubernetes.yaml").toString());
    assertThat(check).contains("demo/deployment/demo-app: injected from policy demo-telemetry");
    String pod = demoPods().get(0).getMetadata().getName();
    assertThat(plugin(dir, "check-inject", "-n", DEMO, pod))
        .contains("demo/pod/" + pod + ": injected from policy demo-telemetry");
    assertThat(plugin(dir, "status", "-n", DEMO, "demo-telemetry"))
        .contains("Ready=True")
        .contains(pod + " Running, sidecar ready")
        .contains("(current)")
        .containsPattern("(?m)^ {4}proxy: ");
    JsonNode config = new ObjectMapper().readTree(plugin(dir, "config", "-n", DEMO, pod));
    assertThat(config.at("/tracing/samplingRatio").asDouble()).as(config.toString()).isEqualTo(1.0);
    assertThat(config.at("/logs/podLabels/0").asText()).isEqualTo("app");
  }

  /** Runs the unpacked plugin as kubectl would, with this cluster's kubeconfig; its stdout. */
  private static String plugin(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(dir.resolve("kubectl-outrigger").toString());
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
    builder.environment().put("KUBECONFIG", Node.kubeconfig().toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    String err = Files.readString(stderr);
    assertThat(process.exitValue())
        .as("kubectl-outrigger " + args[0] + ":\n" + out + "\nstderr:\n" + err)
        .isZero();
    assertThat(err).as("nothing on stderr when all is well").isEmpty();
    return out;
  }

  @Test
  @Order(11)
  void uninstallLeavesNothingLabelledWithTheRelease() {
    client.namespaces().withName(DEMO).delete();
    new Helm(Node.repo("helm/outrigger"))
        .uninstall(RELEASE)
        .withNamespace(SYSTEM)
        .withKubeConfigContents(Node.kubeconfigYaml())
        .call();
    await("nothing of the release left")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(() -> assertThat(labelledWithTheRelease()).isEmpty());
  }

  private static List<String> labelledWithTheRelease() {
    List<HasMetadata> left = new ArrayList<>();
    left.addAll(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client.pods().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.services().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.secrets().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.configMaps().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client
            .serviceAccounts()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(client.rbac().clusterRoles().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.rbac().clusterRoleBindings().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client
            .rbac()
            .roles()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .rbac()
            .roleBindings()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .policy()
            .v1beta1()
            .podDisruptionBudget()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    return left.stream()
        .map(
            o ->
                o.getKind()
                    + " "
                    + o.getMetadata().getNamespace()
                    + "/"
                    + o.getMetadata().getName())
        .toList();
  }

  /**
   * Waits until the webhook, called by the API server through its Service, injects a demo pod under
   * {@code policy} (a dry-run create: nothing is stored). Before that, pods would be admitted as
   * the webhook's fail-open policy admits them when it cannot answer in time, or before it knows
   * the policy: without a sidecar.
   */
  private static void awaitInjectionOf(String policy) {
    eventually("the webhook injects a demo pod under " + policy, Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              Pod admitted = dryRunDemoPod();
              assertThat(admitted.getMetadata().getAnnotations())
                  .as("annotations of the admitted pod")
                  .containsKey("outrigger.io/status");
              assertThat(admitted.getMetadata().getAnnotations().get("outrigger.io/status"))
                  .contains("\"policy\":\"" + policy + "\"");
            });
  }

  /** A demo pod as the webhook admits it now (a dry-run create: nothing is stored). */
  private static Pod dryRunDemoPod() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName("demo-app-dry-run-")
            .addToLabels("app", "demo-app")
            .addToLabels("outrigger.io/inject", "true")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("registry.k8s.io/pause:3.2")
            .addNewPort()
            .withContainerPort(8080)
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    return client.pods().inNamespace(DEMO).resource(pod).dryRun().create();
  }

  /** Waits until the demo runs exactly two pods, all Ready and injected under {@code policy}. */
  private static void awaitDemoPodsReadyUnder(String policy) {
    eventually("two demo pods Ready, injected under " + policy, Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  client.pods().inNamespace(DEMO).withLabel("app", "demo-app").list().getItems();
              assertThat(pods).hasSize(2);
              for (Pod pod : pods) {
                assertThat(pod.getMetadata().getDeletionTimestamp()).isNull();
                assertThat(pod.getMetadata().getAnnotations().get("outrigger.io/status"))
                    .contains("\"policy\":\"" + policy + "\"");
                assertThat(pod.getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        });
              }
            });
  }

  private static String demoImage() {
    return client
        .apps()
        .deployments()
        .inNamespace(DEMO)
        .withName("demo-app")
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  private static String demoUrl() {
    return "http://demo-app." + DEMO + ".svc.cluster.local/orders/7";
  }

  private static Deployment demoDeployment() {
    return client.apps().deployments().inNamespace(DEMO).withName("demo-app").get();
  }

  /** The demo Deployment's running pods (not those terminating). */
  private static List<Pod> demoPods() {
    return client.pods().inNamespace(DEMO).withLabel("app", "demo-app").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getMetadata().getOwnerReferences() != null
                    && !p.getMetadata().getOwnerReferences().isEmpty())
        .toList();
  }

  private static Set<String> podNames(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static ContainerStatus sidecarStatus(String pod) {
    return client
        .pods()
        .inNamespace(DEMO)
        .withName(pod)
        .get()
        .getStatus()
        .getContainerStatuses()
        .stream()
        .filter(c -> c.getName().equals("outrigger-sidecar"))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, Integer> sidecarRestarts() {
    Map<String, Integer> restarts = new TreeMap<>();
    for (Pod pod : demoPods()) {
      restarts.put(
          pod.getMetadata().getName(),
          sidecarStatus(pod.getMetadata().getName()).getRestartCount());
    }
    return restarts;
  }

  private static long sidecarMemoryLimit(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("outrigger-sidecar"))
        .map(c -> Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue())
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> sidecarResources(Pod pod) {
    Container sidecar =
        pod.getSpec().getContainers().stream()
            .filter(c -> c.getName().equals("outrigger-sidecar"))
            .findFirst()
            .orElseThrow();
    return Map.of(
        "requests", String.valueOf(sidecar.getResources().getRequests()),
        "limits", String.valueOf(sidecar.getResources().getLimits()));
  }

  /** The request ids with {@code prefix} in the app container's own log file. */
  private static Set<String> requestIdsInAppLog(String pod, String prefix) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch cat =
        client
            .pods()
            .inNamespace(DEMO)
            .withName(pod)
            .inContainer("app")
            .writingOutput(out)
            .exec("cat", "/var/log/app/app.log")) {
      cat.exitCode().get(1, TimeUnit.MINUTES);
    }
    Set<String> ids = new HashSet<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        String id = JSON.readTree(line).path("request_id").asText();
        if (id.startsWith(prefix)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> policyStatus(String name) {
    GenericKubernetesResource policy =
        client.genericKubernetesResources(POLICIES).inNamespace(DEMO).withName(name).get();
    return (Map<String, Object>) policy.getAdditionalProperties().get("status");
  }

  /** A JSON log line, or an empty node for a line that is not JSON. */
  private static JsonNode jsonOrEmpty(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception notJson) {
      return JSON.createObjectNode();
    }
  }

  private static JsonNode getJson(URI uri) throws Exception {
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri + " answered " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The values of an instant PromQL query's result vector. */
  private static List<Double> values(String promql) throws Exception {
    JsonNode answer = JSON.readTree(receivers.prometheus.query(promql));
    List<Double> values = new ArrayList<>();
    for (JsonNode sample : answer.path("data").path("result")) {
      values.add(Double.parseDouble(sample.path("value").get(1).asText()));
    }
    return values;
  }

  /** The distinct request ids with {@code prefix} among the received log lines. */
  private static Set<String> requestIds(ForwardSink sink, String prefix) {
    return sink.countsBy("request_id").keySet().stream()
        .filter(id -> id.startsWith(prefix))
        .collect(Collectors.toSet());
  }

  private static Map<String, Object> logLineOf(ForwardSink sink, String requestId) {
    return sink.events().stream()
        .map(ForwardSink.Event::record)
        .filter(r -> requestId.equals(r.get("request_id")))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Waits up to {@code max} for {@code what}, asking every 2 s (pods and status move in seconds).
   */
  private static org.awaitility.core.ConditionFactory eventually(String what, Duration max) {
    return await(what).atMost(max).pollInterval(Duration.ofSeconds(2));
  }

  private static void apply(String namespace, String file) throws Exception {
    apply(namespace, file, false);
  }

  /** Applies a file of the repository, or of this module when {@code ownFile}. */
  private static void apply(String namespace, String file, boolean ownFile) throws Exception {
    try (InputStream in =
        Files.newInputStream(ownFile ? Node.repo("e2e").resolve(file) : Node.repo(file))) {
      for (HasMetadata object : client.load(in).items()) {
        client
            .resource(object)
            .inNamespace(namespace)
            .fieldManager("e2e")
            .forceConflicts()
            .serverSideApply();
      }
    }
  }
}
