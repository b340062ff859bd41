package io.outrigger.sidecar.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The postStart hook against a real telemetry endpoint on loopback. */
class WaitCommandTest {

  @Test
  void returnsOnceHealthzAnswers200() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/healthz",
        exchange -> {
          // Not ready for the first calls, as while the listeners are still binding.
          exchange.sendResponseHeaders(calls.incrementAndGet() < 3 ? 503 : 200, -1);
          exchange.close();
        });
    server.start();
    try {
      int code =
          WaitCommand.run(
              server.getAddress().getPort(), Duration.ofSeconds(10), new PrintStream(sink()));
      assertThat(code).isEqualTo(WaitCommand.OK);
      assertThat(calls).hasValue(3);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void failsAfterTheTimeoutNamingWhatItSaw() {
    ByteArrayOutputStream err = sink();
    // Port 1 (tcpmux): nothing listens there.
    int code = WaitCommand.run(1, Duration.ofMillis(300), new PrintStream(err));
    assertThat(code).isEqualTo(WaitCommand.TIMED_OUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("http://127.0.0.1:1/healthz was not ready within 300ms")
        .contains("ConnectException");
  }

  private static ByteArrayOutputStream sink() {
    return new ByteArrayOutputStream();
  }
}
