package io.outrigger.sidecar.lifecycle;

import io.outrigger.config.DurationText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code outrigger-sidecar wait}: the classic sidecar's {@code postStart} hook. The kubelet starts
 * the next container only when the hook returns, so returning once {@code /healthz} answers 200
 * (the listeners are bound) keeps the app from starting before its proxy. A hook that fails makes
 * the kubelet restart the sidecar, so a timeout is the only failure.
 */
public final class WaitCommand {
  /** {@code /healthz} answered 200. */
  public static final int OK = 0;

  /** The timeout passed first. */
  public static final int TIMED_OUT = 1;

  private static final Duration POLL = Duration.ofMillis(100);

  private WaitCommand() {}

  /** Polls {@code http://127.0.0.1:<telemetryPort>/healthz} and returns the exit code. */
  public static int run(int telemetryPort, Duration timeout, PrintStream err) {
    URI health = URI.create("http://127.0.0.1:" + telemetryPort + "/healthz");
    HttpClient client = HttpClient.newBuilder().connectTimeout(POLL.multipliedBy(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing answered";
    while (true) {
      try {
        HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(health).timeout(POLL.multipliedBy(10)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return OK;
        }
        last = "answered " + response.statusCode();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return TIMED_OUT;
      }
      if (System.nanoTime() - deadline >= 0) {
        err.println(
            "outrigger-sidecar wait: "
                + health
                + " was not ready within "
                + DurationText.format(timeout)
                + "; "
                + last);
        return TIMED_OUT;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return TIMED_OUT;
      }
    }
  }
}
