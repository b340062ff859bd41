package io.outrigger.sidecar.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces, veth pairs and processes inside them, made by a test and removed by {@link
 * #close}. Names are unique per run ({@code or<pid><n>}), addresses come from 192.0.2.0/24 between
 * namespaces and 203.0.113.252/30 for a link to this machine's namespace (192.0.2.0/24 is this
 * machine's own network), and nothing is routed beyond the pairs themselves.
 *
 * <p>Needs root (namespaces, veth, iptables). Without it {@link #open} fails with a message saying
 * so: a test that cannot run here must not look like one that passed.
 */
public final class NetworkLab implements AutoCloseable {
  private final String prefix = "or" + ProcessHandle.current().pid() + "x";
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> rootLinks = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private int links;

  private NetworkLab() {}

  /** A lab, or an {@link AssertionError} explaining that root is needed. */
  public static NetworkLab open() throws IOException, InterruptedException {
    String uid = run(List.of("id", "-u"), null).output().strip();
    if (!uid.equals("0")) {
      throw new AssertionError(
          "this test needs root: it creates network namespaces, veth pairs and iptables rules"
              + " (uid is "
              + uid
              + "). CI runs `make test` as root; locally run `sudo mvn verify -pl sidecar -am"
              + " -Dit.test=...`.");
    }
    for (String tool : List.of("ip", "iptables-restore", "nginx", "setpriv", "unshare", "curl")) {
      if (run(List.of("sh", "-c", "command -v " + tool), null).code() != 0) {
        throw new AssertionError(tool + " is missing: run hack/test-deps.sh");
      }
    }
    return new NetworkLab();
  }

  /** A new, empty namespace with loopback up. */
  public String namespace(String role) throws IOException, InterruptedException {
    String name = prefix + role;
    check(List.of("ip", "netns", "add", name));
    namespaces.add(name);
    check(List.of("ip", "-n", name, "link", "set", "lo", "up"));
    return name;
  }

  /**
   * A veth pair between namespace {@code a} (null: this machine's own namespace) and {@code b},
   * with {@code addressA}/{@code addressB} on a /30.
   */
  public void link(String a, String addressA, String b, String addressB)
      throws IOException, InterruptedException {
    String left = prefix + "v" + links;
    String right = prefix + "w" + links;
    links++;
    check(List.of("ip", "link", "add", left, "type", "veth", "peer", "name", right));
    if (a == null) {
      rootLinks.add(left);
    } else {
      check(List.of("ip", "link", "set", left, "netns", a));
    }
    check(List.of("ip", "link", "set", right, "netns", b));
    check(in(a, "ip", "addr", "add", addressA + "/30", "dev", left));
    check(in(a, "ip", "link", "set", left, "up"));
    check(in(b, "ip", "addr", "add", addressB + "/30", "dev", right));
    check(in(b, "ip", "link", "set", right, "up"));
  }

  /** Runs a command in {@code namespace} to completion. */
  public Result exec(String namespace, String... command) throws IOException, InterruptedException {
    return run(in(namespace, command), null);
  }

  /** Like {@link #exec} but throws with the output when the command fails. */
  public String check(String namespace, String... command)
      throws IOException, InterruptedException {
    return check(in(namespace, command));
  }

  /** Starts a long-running process in {@code namespace}; stopped by {@link #close}. */
  public Process spawn(String namespace, Map<String, String> env, Path log, String... command)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(in(namespace, command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static List<String> in(String namespace, String... command) {
    List<String> full = new ArrayList<>();
    if (namespace != null) {
      full.addAll(List.of("ip", "netns", "exec", namespace));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static String check(List<String> command) throws IOException, InterruptedException {
    Result result = run(command, null);
    if (result.code() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed (" + result.code() + "): " + result.output());
    }
    return result.output();
  }

  /** Exit code and combined output of a finished command. */
  public record Result(int code, String output) {}

  static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Result(process.exitValue(), output);
  }

  /** Stops every process it started and removes its namespaces and links, whatever failed. */
  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    for (String link : rootLinks) {
      quietly(List.of("ip", "link", "del", link));
    }
    for (String namespace : namespaces) {
      quietly(List.of("ip", "netns", "del", namespace));
    }
  }

  private static void quietly(List<String> command) throws InterruptedException {
    try {
      run(command, null);
    } catch (IOException e) {
      // Best effort: the namespace goes away with its last process anyway.
    }
  }

  /** A scratch directory readable by the sidecar's UID. */
  public static Path scratch() throws IOException {
    Path dir = Files.createTempDirectory("outrigger-netns");
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    return dir;
  }
}
