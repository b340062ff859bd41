import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady, bounded load on the demo app, as a client pod would send it: {@code rate} GET requests per second
 * for {@code seconds} (fewer when the server is slower), each with its own {@code x-request-id} ({@code <prefix>-<n>}) so a test can find every
 * request's log line at the receiver. HTTP/1.1, as most clients speak it. At most 64 requests are in flight: a slower server lowers the rate instead
 * of piling up requests. Prints one JSON line at the end: how many were sent, answered with 2xx, and failed, by
 * cause, how many were retried and the seconds it took.
 *
 * <p>{@code java -cp /app DemoLoad http://demo-app.demo.svc.cluster.local/orders/1 50 30 load}
 */
final class DemoLoad {
  public static void main(String[] args) throws Exception {
    URI target = URI.create(args[0]);
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    String prefix = args.length > 3 ? args[3] : "load";
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    LongAdder ok = new LongAdder();
    LongAdder retried = new LongAdder();
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
    Semaphore slots = new Semaphore(64);
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    int total = 0;
    for (int n = 0; n < rate * seconds && System.nanoTime() < end; n++, total++) {
      long due = start + n * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      slots.acquire();
      HttpRequest request =
          HttpRequest.newBuilder(target)
              .header("x-request-id", prefix + "-" + n)
              .timeout(Duration.ofSeconds(10))
              .build();
      inFlight.add(
          sendRetryingOnce(http, request, retried)
              .whenComplete(
                  (response, error) -> {
                    slots.release();
                    String cause =
                        error != null
                            ? rootCause(error).getClass().getSimpleName()
                            : response.statusCode() / 100 == 2 ? null : "status " + response.statusCode();
                    if (cause == null) {
                      ok.increment();
                    } else {
                      failures.computeIfAbsent(cause, k -> new LongAdder()).increment();
                    }
                  }));
    }
    for (CompletableFuture<?> request : inFlight) {
      request.handle((r, e) -> null).join();
    }
    Map<String, Long> byCause = new TreeMap<>();
    failures.forEach((cause, count) -> byCause.put(cause, count.sum()));
    long failed = byCause.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder causes = new StringBuilder();
    byCause.forEach((cause, count) -> causes.append(causes.isEmpty() ? "" : ",").append('"').append(cause)
        .append("\":").append(count));
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf("{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"retried\":%d,\"seconds\":%.1f,\"causes\":{%s}}%n",
        total, ok.sum(), failed, retried.sum(), took, causes);
  }

  /**
   * A GET whose connection closed before any answer is sent once more, on a new connection, as RFC 9112 §9.3.1
   * allows for idempotent requests and Go's net/http and browsers do: a keep-alive connection the server closes as
   * it shuts down can take a request that crossed the close on the wire. The JDK client retries only when nothing
   * was sent. Retries are counted and printed.
   */
  private static CompletableFuture<HttpResponse<Void>> sendRetryingOnce(
      HttpClient http, HttpRequest request, LongAdder retried) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, error) -> {
          if (error != null && rootCause(error) instanceof java.io.IOException
              && !(rootCause(error) instanceof java.net.http.HttpTimeoutException)) {
            retried.increment();
            return http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
          }
          return error != null ? CompletableFuture.<HttpResponse<Void>>failedFuture(error)
              : CompletableFuture.completedFuture(response);
        })
        .thenCompose(f -> f);
  }

  private static Throwable rootCause(Throwable error) {
    while (error.getCause() != null && error.getCause() != error) {
      error = error.getCause();
    }
    return error;
  }
}
