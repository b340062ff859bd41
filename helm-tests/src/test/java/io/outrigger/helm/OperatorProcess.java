package io.outrigger.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code operator/target/quarkus-app/quarkus-run.jar}) run as a process the
 * way the chart's Deployment runs it: the container's environment as rendered, and the API
 * credentials of the chart's service account (a TokenRequest token), so every call it makes goes
 * through the chart's RBAC. Only what a pod gets from its surroundings is replaced: free loopback
 * ports instead of 8443/8444/8080, a temporary certificate directory, 127.0.0.1 in the certificate.
 */
final class OperatorProcess implements AutoCloseable {
  /** Replaced for a process on this machine; everything else comes from the rendered Deployment. */
  static final java.util.Set<String> LOCAL_OVERRIDES =
      java.util.Set.of(
          "OUTRIGGER_ADMISSION_PORT",
          "OUTRIGGER_REPORTS_PORT",
          "QUARKUS_HTTP_PORT",
          "OUTRIGGER_CERTIFICATES_DIR",
          "OUTRIGGER_CERTIFICATES_IP_ADDRESSES",
          "OUTRIGGER_ADMISSION_HOST",
          "OUTRIGGER_REPORTS_HOST");

  final Process process;
  final Path log;
  final int httpsPort;
  final int httpPort;
  final String podName;
  final Map<String, String> env;
  final Path certificateDir;

  private OperatorProcess(
      Process process,
      Path log,
      int httpsPort,
      int httpPort,
      String podName,
      Map<String, String> env,
      Path certificateDir) {
    this.process = process;
    this.certificateDir = certificateDir;
    this.log = log;
    this.httpsPort = httpsPort;
    this.httpPort = httpPort;
    this.podName = podName;
    this.env = env;
  }

  static OperatorProcess start(
      KubernetesClient admin, ValuesSet set, JsonNode deployment, String serviceAccount)
      throws IOException {
    return start(admin, set, deployment, serviceAccount, tls -> {});
  }

  /**
   * @param certificates fills the certificate directory before the operator starts (what the
   *     kubelet mounts from cert-manager's Secret in that mode)
   */
  static OperatorProcess start(
      KubernetesClient admin,
      ValuesSet set,
      JsonNode deployment,
      String serviceAccount,
      java.util.function.Consumer<Path> certificates)
      throws IOException {
    Path jar = Repo.root().resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no packaged operator at " + jar + ": build it (mvn -pl helm-tests -am verify does)");
    }
    Path work = Files.createTempDirectory("outrigger-chart-operator");
    Path kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, serviceAccountKubeconfig(admin, set.namespace(), serviceAccount));

    Map<String, String> env = new LinkedHashMap<>();
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    for (JsonNode var : container.path("env")) {
      String name = var.path("name").asText();
      if (var.has("value")) {
        env.put(name, var.path("value").asText());
      } else if (var.at("/valueFrom/fieldRef/fieldPath").asText().equals("metadata.namespace")) {
        env.put(name, set.namespace());
      } else {
        throw new IllegalStateException("the test does not know how to resolve env " + var);
      }
    }
    int httpsPort = freePort();
    int httpPort = freePort();
    int reportsPort = freePort();
    env.put("OUTRIGGER_ADMISSION_PORT", Integer.toString(httpsPort));
    env.put("OUTRIGGER_ADMISSION_HOST", "127.0.0.1");
    env.put("OUTRIGGER_REPORTS_PORT", Integer.toString(reportsPort));
    env.put("OUTRIGGER_REPORTS_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
    Path tls = Files.createDirectories(work.resolve("tls"));
    certificates.accept(tls);
    env.put("OUTRIGGER_CERTIFICATES_DIR", tls.toString());
    env.put("OUTRIGGER_CERTIFICATES_IP_ADDRESSES", "127.0.0.1");
    // What the kubelet sets: the pod name, the operator's leader identity.
    String podName = deployment.at("/metadata/name").asText() + "-7d9f8b6c5-x2k4q";

    Path log = work.resolve("operator.log");
    // As the image's entrypoint does: java $JAVA_OPTS -jar quarkus-run.jar.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String javaOpts = env.getOrDefault("JAVA_OPTS", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("OUTRIGGER_") || k.startsWith("KUBERNETES_"));
    builder.environment().putAll(env);
    builder.environment().put("HOSTNAME", podName);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    return new OperatorProcess(builder.start(), log, httpsPort, httpPort, podName, env, tls);
  }

  /** The admin kubeconfig with its user replaced by a token of {@code namespace/account}. */
  static String serviceAccountKubeconfig(KubernetesClient admin, String namespace, String account)
      throws IOException {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(account)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    ObjectNode config = (ObjectNode) ChartRender.YAML.readTree(RealKubeApiServer.kubeConfigYaml());
    // One user, under the name the current context already refers to; no client certificate.
    String userName = config.at("/contexts/0/context/user").asText();
    ArrayNode users = config.putArray("users");
    ObjectNode user = users.addObject();
    user.put("name", userName);
    user.putObject("user").put("token", token);
    return ChartRender.YAML.writeValueAsString(config);
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
