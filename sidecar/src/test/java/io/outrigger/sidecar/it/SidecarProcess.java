package io.outrigger.sidecar.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sidecar ({@code java -jar target/outrigger-sidecar-*.jar}) run as its own process,
 * the way a pod runs it, on a free port base so tests do not collide. Its stdout (JSON lines) is
 * kept for assertions.
 */
final class SidecarProcess implements AutoCloseable {
  final Process process;
  final int portBase;
  // A file, not a pipe: the JDK may drop bytes still in a pipe when the process exits while a
  // thread reads it.
  private final Path log;

  private SidecarProcess(Process process, int portBase, Path log) {
    this.process = process;
    this.portBase = portBase;
    this.log = log;
  }

  /** The sidecar's stdout so far, one JSON object per line. */
  List<String> output() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Starts the sidecar with {@code config} (YAML) and waits until it logs that it is ready. */
  static SidecarProcess start(String config, Map<String, String> env, List<String> jvmFlags)
      throws Exception {
    Path configFile = Files.createTempFile("sidecar", ".yaml");
    Files.writeString(configFile, config);
    return start(configFile, env, jvmFlags);
  }

  /** Starts the sidecar with the config file at {@code configFile}. */
  static SidecarProcess start(Path configFile, Map<String, String> env, List<String> jvmFlags)
      throws Exception {
    return awaitReady(launch(configFile, env, jvmFlags));
  }

  /**
   * Starts the sidecar as the image does, through its launcher ({@code bin/outrigger-sidecar}) with
   * the JVM flags it derives from {@code OUTRIGGER_MEMORY_LIMIT}, and waits until it is ready.
   */
  static SidecarProcess startThroughLauncher(
      String config, Map<String, String> env, long memoryLimitBytes) throws Exception {
    Path configFile = Files.createTempFile("sidecar", ".yaml");
    Files.writeString(configFile, config);
    List<String> command =
        List.of("bash", Path.of("bin/outrigger-sidecar").toString(), "run", "--config");
    Map<String, String> launcherEnv = new java.util.HashMap<>(env);
    launcherEnv.put("OUTRIGGER_JAR", jar().toString());
    launcherEnv.put("OUTRIGGER_MEMORY_LIMIT", Long.toString(memoryLimitBytes));
    // The launcher runs the `java` it finds first: the one running these tests.
    launcherEnv.put(
        "PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    return awaitReady(run(command, configFile, launcherEnv));
  }

  private static SidecarProcess awaitReady(SidecarProcess sidecar) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sidecar.output().stream().noneMatch(l -> l.contains("\"sidecar ready\""))) {
      if (!sidecar.process.isAlive() || System.nanoTime() > deadline) {
        sidecar.close();
        throw new IllegalStateException(
            "sidecar did not become ready:\n" + String.join("\n", sidecar.output()));
      }
      Thread.sleep(20);
    }
    return sidecar;
  }

  /**
   * Starts the sidecar without waiting for it to be ready (a crash loop kills it whenever it
   * likes).
   */
  static SidecarProcess launch(Path configFile, Map<String, String> env, List<String> jvmFlags)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar().toString(), "--config"));
    return run(command, configFile, env);
  }

  private static Path jar() {
    Path jar =
        Path.of(
            System.getProperty(
                "outrigger.sidecarJar", "target/outrigger-sidecar-0.1.0-SNAPSHOT.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          "no sidecar jar at " + jar + ": run through `mvn verify` (Failsafe packages it first)");
    }
    return jar;
  }

  /** Runs {@code command} followed by the config file, on a free port base. */
  private static SidecarProcess run(List<String> command, Path configFile, Map<String, String> env)
      throws IOException {
    int base = freePortBase();
    command = new ArrayList<>(command);
    command.add(configFile.toString());
    Path log = Files.createTempFile("sidecar", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("OUTRIGGER_PORT_BASE", Integer.toString(base));
    builder.environment().put("OUTRIGGER_BIND", "127.0.0.1");
    builder.environment().putAll(env);
    return new SidecarProcess(builder.start(), base, log);
  }

  /** Whether its log pipeline has started (it logged "log tailing started"). */
  boolean tailing() {
    return output().stream().anyMatch(l -> l.contains("\"log tailing started\""));
  }

  int inboundPort(int index) {
    return portBase + 6 + index;
  }

  int telemetryPort() {
    return portBase + 20;
  }

  /** Sends SIGTERM without waiting. */
  void signalTerm() {
    process.destroy();
  }

  /** Waits for the exit status; -1 (and killed) when it does not come in time. */
  int awaitExit(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /** Sends SIGTERM and waits for the exit status. */
  int terminate(Duration wait) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /** Resident set size of the process in KiB, from /proc. */
  long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** A base where the admin, telemetry and first inbound ports are all free right now. */
  private static int freePortBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(1_000) * 30;
      if (free(base) && free(base + 1) && free(base + 6) && free(base + 7) && free(base + 20)) {
        return base;
      }
    }
    throw new IOException("no free port base found");
  }

  private static boolean free(int port) {
    try (ServerSocket socket =
        new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
