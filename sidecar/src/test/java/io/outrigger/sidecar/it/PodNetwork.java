package io.outrigger.sidecar.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pod in miniature, in network namespaces: a client namespace, the "pod" namespace running a real
 * app (nginx on 8080 and 8081, logging the trace headers it receives, and proxying {@code /out} to
 * the server) and the packaged sidecar as UID 1337, and a server namespace with another nginx on
 * 8090. This machine's namespace gets one veth pair to the pod for the test's OTLP sink.
 *
 * <pre>
 * client 192.0.2.1 ── 192.0.2.2  pod  192.0.2.5 ── 192.0.2.6 server
 *                                203.0.113.254 ── 203.0.113.253 this machine (OTLP sink)
 * </pre>
 *
 * <p>192.0.2.0/24 is this machine's own network, so it stays inside namespaces with no link to the
 * host; the one host-side link is on 203.0.113.252/30 (below it, hack/cluster.sh's Services use
 * 203.0.113.128/26 and the sandbox's package registries answer at 203.0.113.80).
 */
final class PodNetwork implements AutoCloseable {
  static final String CLIENT_IP = "192.0.2.1";
  static final String POD_IP = "192.0.2.2";
  static final String SERVER_IP = "192.0.2.6";
  static final String SINK_IP = "203.0.113.253";
  static final String SINK_LINK_POD_SIDE = "203.0.113.254";
  static final int APP_PORT = 8080;
  static final int SKIPPED_PORT = 8081;
  static final int SERVER_PORT = 8090;
  static final long SIDECAR_UID = 1337;

  final NetworkLab lab;
  final String client;
  final String pod;
  final String server;
  final Path dir;

  private PodNetwork(NetworkLab lab, String client, String pod, String server, Path dir) {
    this.lab = lab;
    this.client = client;
    this.pod = pod;
    this.server = server;
    this.dir = dir;
  }

  static PodNetwork create() throws Exception {
    NetworkLab lab = NetworkLab.open();
    try {
      String client = lab.namespace("c");
      String pod = lab.namespace("p");
      String server = lab.namespace("s");
      lab.link(client, CLIENT_IP, pod, POD_IP);
      lab.link(pod, "192.0.2.5", server, SERVER_IP);
      lab.link(null, SINK_IP, pod, SINK_LINK_POD_SIDE);
      Path dir = NetworkLab.scratch();
      PodNetwork network = new PodNetwork(lab, client, pod, server, dir);
      network.nginx(
          pod,
          "app",
          "listen "
              + APP_PORT
              + "; listen "
              + SKIPPED_PORT
              + ";\n"
              + "location /out { proxy_pass http://"
              + SERVER_IP
              + ":"
              + SERVER_PORT
              + "/hello; }\n"
              + "location / { return 200 \"app\\n\"; }");
      network.nginx(
          server,
          "server",
          "listen " + SERVER_PORT + ";\nlocation / { return 200 \"server\\n\"; }");
      network.awaitListening(pod, APP_PORT);
      network.awaitListening(server, SERVER_PORT);
      return network;
    } catch (Exception | AssertionError e) {
      lab.close();
      throw e;
    }
  }

  /**
   * nginx as a real app: one process, logging per request the port, {@code traceparent}, {@code
   * x-request-id} and {@code Host} it received.
   */
  private void nginx(String namespace, String name, String server) throws IOException {
    Path conf = dir.resolve(name + ".conf");
    Path temp = Files.createDirectories(dir.resolve(name + "-temp"));
    Files.writeString(
        conf,
        String.join(
            "\n",
            "daemon off;",
            "master_process off;",
            "worker_processes 1;",
            "pid " + dir.resolve(name + ".pid") + ";",
            "error_log " + dir.resolve(name + "-error.log") + ";",
            "events { worker_connections 64; }",
            "http {",
            "  log_format traced '$server_port|$http_traceparent|$http_x_request_id|$http_host|$uri';",
            "  access_log " + accessLog(name) + " traced;",
            "  client_body_temp_path " + temp + "/body;",
            "  proxy_temp_path " + temp + "/proxy;",
            "  fastcgi_temp_path " + temp + "/fastcgi;",
            "  uwsgi_temp_path " + temp + "/uwsgi;",
            "  scgi_temp_path " + temp + "/scgi;",
            "  server {",
            server,
            "  }",
            "}",
            ""));
    lab.spawn(
        namespace,
        Map.of(),
        dir.resolve(name + ".out"),
        "nginx",
        "-c",
        conf.toString(),
        "-p",
        dir.toString());
  }

  Path accessLog(String name) {
    return dir.resolve(name + "-access.log");
  }

  /** Access log lines of the app ({@code "app"}) or the server, split at {@code |}. */
  List<String[]> requests(String name) throws IOException {
    Path log = accessLog(name);
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log).stream().map(l -> l.split("\\|", -1)).toList();
  }

  /** Starts the packaged sidecar in the pod as UID 1337 through its launcher. */
  Process startSidecar(String config, Map<String, String> env) throws Exception {
    Path file = dir.resolve("sidecar.yaml");
    Files.writeString(file, config);
    file.toFile().setReadable(true, false);
    Path log = dir.resolve("sidecar.log");
    Process sidecar =
        lab.spawn(
            pod,
            env,
            log,
            "setpriv",
            "--reuid=" + SIDECAR_UID,
            "--regid=" + SIDECAR_UID,
            "--clear-groups",
            "--",
            launcher().toString(),
            "run",
            "--config",
            file.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.readString(log).contains("\"sidecar ready\"")) {
      if (!sidecar.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("sidecar did not become ready:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return sidecar;
  }

  String sidecarLog() throws IOException {
    return Files.readString(dir.resolve("sidecar.log"));
  }

  /** {@code outrigger-sidecar init ARGS} in the pod through the launcher, as the init container. */
  NetworkLab.Result init(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = launcher().toString();
    command[1] = "init";
    System.arraycopy(args, 0, command, 2, args.length);
    return lab.exec(pod, command);
  }

  /** Runs {@code command} in the pod namespace. */
  NetworkLab.Result inPod(String... command) throws Exception {
    return lab.exec(pod, command);
  }

  /** Removes every nat rule and chain in the pod: back to "no init ran". */
  void clearRules() throws Exception {
    lab.check(pod, "iptables", "-t", "nat", "-F");
    lab.check(pod, "iptables", "-t", "nat", "-X");
  }

  /** {@code curl} from the client namespace; returns the body (fails on a non-2xx answer). */
  String callFromClient(String url) throws Exception {
    return lab.check(client, "curl", "-sS", "--fail", "--max-time", "10", url);
  }

  /** The sidecar's /metrics as seen from inside the pod. */
  String sidecarMetrics() throws Exception {
    return lab.check(
        pod, "curl", "-sS", "--fail", "--max-time", "5", "http://127.0.0.1:15020/metrics");
  }

  private void awaitListening(String namespace, int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (lab.exec(namespace, "sh", "-c", "ss -ltn | grep -q ':" + port + " '").code() != 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nothing listens on " + port + " in " + namespace);
      }
      Thread.sleep(50);
    }
  }

  private Path launcher;

  /**
   * The launcher, with the jar and its lib/ beside it as a pod image lays them out, copied to the
   * scratch directory: the sidecar runs as UID 1337, which may not traverse the build's folders (a
   * clone under /root).
   */
  private Path launcher() throws IOException {
    if (launcher == null) {
      Path install = dir.resolve("sidecar");
      Path bin = Files.createDirectories(install.resolve("bin"));
      Path target = Files.createDirectories(install.resolve("target"));
      Files.copy(Path.of("bin/outrigger-sidecar"), bin.resolve("outrigger-sidecar"));
      Path jar = jar();
      Files.copy(jar, target.resolve(jar.getFileName()));
      Path lib = Files.createDirectories(target.resolve("lib"));
      try (var deps = Files.list(jar.resolveSibling("lib"))) {
        for (Path dep : deps.toList()) {
          Files.copy(dep, lib.resolve(dep.getFileName()));
        }
      }
      for (Path path : List.of(install, bin, target, lib)) {
        path.toFile().setReadable(true, false);
        path.toFile().setExecutable(true, false);
      }
      bin.resolve("outrigger-sidecar").toFile().setExecutable(true, false);
      launcher = bin.resolve("outrigger-sidecar");
    }
    return launcher;
  }

  /** The launcher path, for commands the tests build themselves. */
  String launcherPath() throws IOException {
    return launcher().toString();
  }

  static Path jar() {
    return Path.of(
            System.getProperty(
                "outrigger.sidecarJar", "target/outrigger-sidecar-0.1.0-SNAPSHOT.jar"))
        .toAbsolutePath();
  }

  @Override
  public void close() throws Exception {
    lab.close();
  }
}
