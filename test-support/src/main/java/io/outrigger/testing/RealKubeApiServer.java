package io.outrigger.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real kube-apiserver 1.20.2 + etcd per test JVM, started on first use and stopped when the JVM
 * exits.
 *
 * <p>The binaries come from {@code hack/kube-apiserver.sh}, which builds them from Debian's
 * archive; kube-api-test runs offline so nothing is downloaded. When they are missing the test
 * fails with the command to run: a real-server test that skipped itself would be counted as
 * passing.
 */
public final class RealKubeApiServer {

  public static final String VERSION = "1.20.2";
  private static final String DIR_PROPERTY = "outrigger.kubeApiTestDir";
  private static final String CACHE_ENV = "OUTRIGGER_CACHE";

  private static KubeAPIServer server;
  private static String kubeConfigYaml;
  private static Path serverDir;

  private RealKubeApiServer() {}

  /** A new client for the shared server (close it when done); starts the server the first time. */
  public static synchronized KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** Client configuration (admin credentials) for the shared server; starts it the first time. */
  public static synchronized Config config() {
    start();
    return Config.fromKubeconfig(kubeConfigYaml);
  }

  /** The kubeconfig YAML of the shared server, for tools such as kubectl. */
  public static synchronized String kubeConfigYaml() {
    start();
    return kubeConfigYaml;
  }

  /**
   * The running server's own directory (starts it the first time): its certificates and its
   * service-account signing key {@code apiserver.key}, written by this run's server. Tests that
   * sign as the server read them here, never from the cache, which holds only binaries.
   */
  public static synchronized Path serverDir() {
    start();
    return serverDir;
  }

  /** The cached binary {@code name} (kube-apiserver, etcd, kubectl, ...). */
  public static Path binary(String name) {
    return binariesDir().resolve("k8s").resolve(VERSION + "-linux-amd64").resolve(name);
  }

  /**
   * Where the cached binaries live: the system property, else {@code
   * $OUTRIGGER_CACHE/kube-api-test}, else {@code ~/.cache/outrigger/kube-api-test} (the same rule
   * as {@code hack/kube-apiserver.sh}).
   */
  public static Path binariesDir() {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    String cache = System.getenv(CACHE_ENV);
    if (cache == null || cache.isBlank()) {
      cache = System.getProperty("user.home") + "/.cache/outrigger";
    }
    return Path.of(cache, "kube-api-test");
  }

  /**
   * Applies the CRD in {@code crdFile} (server-side apply) and waits until the server reports it
   * Established, so custom resources can be created right after.
   */
  public static void applyCrd(KubernetesClient client, Path crdFile) throws IOException {
    CustomResourceDefinition applied;
    try (InputStream crd = Files.newInputStream(crdFile)) {
      applied =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(crd)
              .forceConflicts()
              .serverSideApply();
    }
    String name = applied.getMetadata().getName();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!established(
        client.apiextensions().v1().customResourceDefinitions().withName(name).get())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("CRD " + name + " was not established within 30 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * A new test directory with the cached binaries linked, whose kube-apiserver is a wrapper that
   * keeps the service-account issuer an HTTPS URL. Nothing else comes from the cache: the server
   * writes its certificates and keys into this directory in each run.
   *
   * <p>kube-api-test 7.5.2 passes {@code --service-account-issuer https://localhost} and then again
   * {@code --service-account-issuer <its apiserver.crt path>}, after any flag of ours; in 1.20 the
   * flag is a single value, the last one wins, and an issuer that is not an HTTPS URL makes the API
   * server skip its OIDC discovery endpoints ({@code /.well-known/openid-configuration}, {@code
   * /openid/v1/jwks}), which a real cluster serves. The wrapper drops the path-valued repetition,
   * so the real server runs with issuer {@code https://localhost} and serves both endpoints.
   */
  private static Path withServiceAccountIssuer(Path apiserver) throws IOException {
    Path testDir = Files.createTempDirectory("outrigger-kube-api-test");
    Path binaries = testDir.resolve("k8s").resolve(VERSION + "-linux-amd64");
    Files.createDirectories(binaries);
    try (var files = Files.list(apiserver.getParent())) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().equals("kube-apiserver")) {
          Files.createSymbolicLink(binaries.resolve(file.getFileName()), file);
        }
      }
    }
    Path wrapper = binaries.resolve("kube-apiserver");
    Files.writeString(
        wrapper,
        """
        #!/usr/bin/env bash
        # Drops kube-api-test's --service-account-issuer <file path> (see RealKubeApiServer).
        args=()
        while [ $# -gt 0 ]; do
          if [ "$1" = --service-account-issuer ] && [ "${2#https://}" = "$2" ]; then
            shift 2
            continue
          fi
          args+=("$1")
          shift
        done
        exec %s "${args[@]}"
        """
            .formatted(apiserver.toAbsolutePath()));
    wrapper.toFile().setExecutable(true);
    return testDir;
  }

  /** The wrapper's directory: links (not followed), the wrapper and what the server wrote there. */
  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // A test directory left behind in /tmp is no reason to fail the run.
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        // the status exists a moment before its conditions are set
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  private static void start() {
    if (server != null) {
      return;
    }
    Path apiserver = binary("kube-apiserver");
    if (!Files.isExecutable(apiserver)) {
      throw new IllegalStateException(
          "No kube-apiserver at "
              + apiserver
              + ". Run hack/kube-apiserver.sh (make test does) first.");
    }
    Path testDir;
    try {
      testDir = withServiceAccountIssuer(apiserver);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the kube-apiserver wrapper", e);
    }
    KubeAPIServer started =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withTestDir(testDir.toString())
                .withApiServerVersion(VERSION)
                .withUpdateKubeConfig(false)
                // Without it the 1.20 server looks for a non-loopback interface to advertise and
                // may pick none.
                .withApiServerFlag("--advertise-address", "127.0.0.1")
                .build());
    started.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  started.stop();
                  deleteQuietly(testDir);
                },
                "kube-apiserver-stop"));
    kubeConfigYaml = started.getKubeConfigYaml();
    serverDir = testDir;
    server = started;
  }
}
