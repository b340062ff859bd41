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
 * request's log line at the receiver. At most 64 requests are in flight: a slower server lowers the rate instead
 * of piling up requests. Prints one JSON line at the end: how many were sent, answered with 2xx, and failed, by
 * cause, and the seconds it took. No retries of its own: the JDK client's only retry is of a pooled connection that the
 * server had already closed, as any keep-alive client does.
 *
 * <p>{@code java -cp /app DemoLoad http://demo-app.demo.svc.cluster.local/orders/1 50 30 load}
 */
final class DemoLoad {
  public static void main(String[] args) throws Exception {
    URI target = URI.create(args[0]);
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    String prefix = args.length > 3 ? args[3] : "load";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    LongAdder ok = new LongAdder();
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
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
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
    System.out.printf("{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"seconds\":%.1f,\"causes\":{%s}}%n", total, ok.sum(),
        failed, took, causes);
  }

  private static Throwable rootCause(Throwable error) {
    while (error.getCause() != null && error.getCause() != error) {
      error = error.getCause();
    }
    return error;
  }
}
