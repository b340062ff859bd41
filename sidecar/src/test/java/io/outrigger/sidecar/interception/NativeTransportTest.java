package io.outrigger.sidecar.interception;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound capture needs Netty's native epoll transport (SO_ORIGINAL_DST); where it does not load,
 * the init container stops with a clear error before touching iptables, instead of a capture that
 * silently closes every non-HTTP connection. Inbound interception does not need it.
 */
class NativeTransportTest {
  private static final NativeTransport MISSING =
      new NativeTransport(false, "java.lang.UnsatisfiedLinkError: no netty_transport_native_epoll");

  /** /proc/self/status of a process without CAP_NET_ADMIN: the next check after ours. */
  private static Path noNetAdmin(Path dir) throws IOException {
    return Files.writeString(dir.resolve("status"), "Name:\tinit\nCapEff:\t0000000000000000\n");
  }

  @Test
  void captureWithoutTheNativeTransportStopsBeforeIptablesAndSaysWhy(@TempDir Path dir)
      throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new InitCommand(
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                noNetAdmin(dir),
                () -> MISSING)
            .execute(List.of("--inbound-ports=8080", "--capture-outbound"), Map.of());

    assertThat(code).isEqualTo(InitCommand.NO_NATIVE_TRANSPORT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("outrigger-sidecar init: outbound capture needs Netty's native epoll transport")
        .contains("UnsatisfiedLinkError")
        .contains("x86_64 and aarch64");
  }

  @Test
  void inboundInterceptionAloneDoesNotNeedIt(@TempDir Path dir) throws IOException {
    int code =
        new InitCommand(
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()),
                noNetAdmin(dir),
                () -> MISSING)
            .execute(List.of("--inbound-ports=8080"), Map.of());

    assertThat(code).as("past the transport check, stopped at NET_ADMIN").isEqualTo(3);
  }

  @Test
  void theTransportLoadsOnThisMachine() {
    NativeTransport here = NativeTransport.epoll();

    assertThat(here.available()).as("cause: %s", here.cause()).isTrue();
    assertThat(here.missingFor(true, System.getProperty("os.arch"))).isEmpty();
  }

  /**
   * Netty's real unavailability, not a stand-in: the init command in a JVM where Netty is told not
   * to load native code.
   */
  @Test
  void theRealCommandRefusesCaptureInAJvmWithoutNativeCode() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dio.netty.transport.noNative=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.outrigger.sidecar.Main");
    command.addAll(List.of("init", "--inbound-ports=8080", "--capture-outbound"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isEqualTo(InitCommand.NO_NATIVE_TRANSPORT);
    assertThat(output).contains("outbound capture needs Netty's native epoll transport");
  }
}
