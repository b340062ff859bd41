package io.outrigger.sidecar.interception;

import io.outrigger.config.interception.InitOptions;
import io.outrigger.config.interception.IptablesBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code outrigger-sidecar init}: the iptables init container. Renders the ruleset, applies it in
 * one {@code iptables-restore --noflush} transaction that first removes the previous run's, and
 * prints what is live afterwards. docs/interception.md lists the flags, messages and exit codes.
 */
public final class InitCommand {
  /** The rules are live (or, with --dry-run, printed). */
  public static final int OK = 0;

  /** A flag or variable is invalid; nothing was changed. */
  public static final int BAD_ARGUMENTS = 2;

  /** The container may not change netfilter rules (no CAP_NET_ADMIN); nothing was changed. */
  public static final int NO_NET_ADMIN = 3;

  /** iptables is missing or refused the ruleset for another reason; nothing was changed. */
  public static final int IPTABLES_FAILED = 4;

  /**
   * Outbound capture was asked for but the native transport that reads its original destinations
   * does not load on this machine; nothing was changed.
   */
  public static final int NO_NATIVE_TRANSPORT = 5;

  static final String PREFIX = "outrigger-sidecar init: ";

  static final String NO_NET_ADMIN_MESSAGE =
      PREFIX
          + "cannot program iptables: this container lacks the NET_ADMIN capability. Give the init"
          + " container securityContext.capabilities.add [NET_ADMIN, NET_RAW] (the webhook does),"
          + " or use interception mode \"port\", which needs no privileges.";

  private final PrintStream out;
  private final PrintStream err;
  private final Path procStatus;
  private final Supplier<NativeTransport> nativeTransport;

  InitCommand(
      PrintStream out,
      PrintStream err,
      Path procStatus,
      Supplier<NativeTransport> nativeTransport) {
    this.out = out;
    this.err = err;
    this.procStatus = procStatus;
    this.nativeTransport = nativeTransport;
  }

  /** Runs the command and returns its exit code. */
  public static int run(List<String> args, Map<String, String> env) {
    return new InitCommand(
            System.out, System.err, Path.of("/proc/self/status"), NativeTransport::epoll)
        .execute(args, env);
  }

  int execute(List<String> args, Map<String, String> env) {
    InitOptions options;
    try {
      options = InitOptions.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println(PREFIX + e.getMessage());
      return BAD_ARGUMENTS;
    }
    if (options.dryRun()) {
      out.print(RulesetRenderer.restoreScript(options.rules(), ""));
      return OK;
    }
    // Before any rule: capture without the transport would send the app's connections to an
    // ambassador that cannot tell where they were going.
    Optional<String> missing =
        nativeTransport
            .get()
            .missingFor(options.rules().captureOutbound(), System.getProperty("os.arch"));
    if (missing.isPresent()) {
      err.println(PREFIX + missing.get());
      return NO_NATIVE_TRANSPORT;
    }
    if (!hasNetAdmin()) {
      err.println(NO_NET_ADMIN_MESSAGE);
      return NO_NET_ADMIN;
    }
    try {
      IptablesBackend backend = options.backend() != null ? options.backend() : detectBackend();
      Result saved = exec(List.of(backend.save(), "-t", "nat"), null);
      if (saved.code() != 0) {
        return failed(backend.save(), saved, null);
      }
      String script = RulesetRenderer.restoreScript(options.rules(), saved.output());
      Result restored = exec(List.of(backend.restore(), "--noflush"), script);
      if (restored.code() != 0) {
        return failed(backend.restore(), restored, script);
      }
      Result after = exec(List.of(backend.save(), "-t", "nat"), null);
      List<String> live = RulesetRenderer.ownLines(after.output());
      out.println(
          PREFIX
              + "applied with "
              + backend.restore()
              + " ("
              + backend.label()
              + " backend); Outrigger's rules in the nat table now:");
      live.forEach(out::println);
      return OK;
    } catch (IOException e) {
      err.println(
          PREFIX
              + "cannot run iptables ("
              + e.getMessage()
              + "); is the iptables package in the image?");
      return IPTABLES_FAILED;
    }
  }

  private int failed(String command, Result result, String script) {
    if (Capabilities.isPermissionError(result.output())) {
      err.println(NO_NET_ADMIN_MESSAGE);
      err.println(PREFIX + command + " said: " + result.output().strip());
      return NO_NET_ADMIN;
    }
    err.println(
        PREFIX + command + " failed (exit " + result.code() + "): " + result.output().strip());
    if (script != null) {
      err.println(PREFIX + "the ruleset it was given:");
      err.print(script);
    }
    return IPTABLES_FAILED;
  }

  private boolean hasNetAdmin() {
    try {
      return Capabilities.hasNetAdmin(Files.readString(procStatus));
    } catch (IOException e) {
      return true; // no /proc: let iptables decide
    }
  }

  private IptablesBackend detectBackend() throws IOException {
    int legacy = ruleCount(IptablesBackend.LEGACY);
    int nft = ruleCount(IptablesBackend.NFT);
    String version;
    try {
      Result result = exec(List.of("iptables", "--version"), null);
      version = result.code() == 0 ? result.output() : null;
    } catch (IOException e) {
      version = null;
    }
    try {
      return IptablesBackend.detect(legacy, nft, version);
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage());
    }
  }

  /** Rules the backend shows in all tables, or -1 when its save command does not run. */
  private int ruleCount(IptablesBackend backend) {
    try {
      Result result = exec(List.of(backend.save()), null);
      return result.code() == 0 ? IptablesBackend.countRules(result.output()) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private record Result(int code, String output) {}

  private static Result exec(List<String> command, String stdin) throws IOException {
    Process process =
        new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(process.exitValue(), output);
  }
}
