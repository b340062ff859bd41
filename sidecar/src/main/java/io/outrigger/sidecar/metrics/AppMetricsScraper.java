package io.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.outrigger.config.Scheme;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.config.SidecarConfig.ScrapeConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.Exposition;
import io.outrigger.sidecar.metrics.exposition.ExpositionException;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scrapes the app's Prometheus endpoint on an interval, asking for OpenMetrics first and the text
 * format second (gzip accepted), parses strictly, enriches with the pod's identity and keeps the
 * latest result for the merged {@code /metrics}. A failed scrape (refused, timeout, malformed body)
 * empties the app's part, so stale series vanish as they would from Prometheus, and is counted with
 * its reason.
 */
public final class AppMetricsScraper {
  static final String ACCEPT =
      "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
  private static final int MIB = 1024 * 1024;

  private final Vertx vertx;
  private final HttpClient client;
  private final MeterRegistry registry;
  private final int maxBodyBytes = maxBodyBytes(Runtime.getRuntime().maxMemory());
  private volatile Enrichment enrichment;
  private final AtomicReference<List<MetricFamily>> latest = new AtomicReference<>(List.of());
  private final AtomicInteger up = new AtomicInteger();
  private final AtomicInteger samples = new AtomicInteger();
  private volatile MetricsConfig config;
  private volatile ScrapeConfig target;
  private volatile String lastFailure;
  private long timer = -1;

  public AppMetricsScraper(Vertx vertx, MeterRegistry registry, Enrichment enrichment) {
    this.vertx = vertx;
    this.registry = registry;
    this.enrichment = enrichment;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setDecompressionSupported(true).setKeepAlive(true));
    Gauge.builder("outrigger.app.scrape.up", up, AtomicInteger::get)
        .description("1 when the latest scrape of the app's metrics succeeded")
        .register(registry);
    Gauge.builder("outrigger.app.scrape.samples", samples, AtomicInteger::get)
        .description("Series taken from the app's latest scrape")
        .register(registry);
    // At 0 before the first failure, so that rate() sees the first one (see ProxyMetrics).
    scrapeErrors("unreachable");
    scrapeErrors("too_large");
    count(
        "outrigger.app.scrape.series.dropped",
        "Series left out because the per-scrape cap was reached",
        0);
  }

  private Counter scrapeErrors(String reason) {
    return Counter.builder("outrigger.app.scrape.errors")
        .description("Failed scrapes of the app's metrics, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * The largest exposition taken, from the heap this JVM may use: a sixteenth of it, between 1 and
   * 64 MiB. During a scrape the body, its parsed families (about four times the text's size) and
   * the previous scrape's families all live at once, beside the rest of the sidecar; a larger body
   * is refused ({@code too_large}) rather than risking an out-of-memory exit of the sidecar.
   */
  static int maxBodyBytes(long maxHeapBytes) {
    return (int) Math.max(MIB, Math.min(64L * MIB, maxHeapBytes / 16));
  }

  /**
   * Starts (or re-targets) scraping; a null target stops it. Safe to call on every config reload.
   */
  public synchronized void apply(MetricsConfig metrics, ScrapeConfig scrape) {
    boolean changed = configure(metrics, scrape);
    if (!changed && timer >= 0) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (target == null) {
      latest.set(List.of());
      return;
    }
    timer = vertx.setPeriodic(1, target.interval().toMillis(), id -> scrapeOnce());
  }

  /** The labels the next scrapes add (the pod labels a policy lists can change live). */
  public void enrichWith(Enrichment labels) {
    this.enrichment = labels;
  }

  /**
   * Sets what to scrape without scheduling anything (tests drive {@link #scrapeOnce} themselves).
   */
  synchronized boolean configure(MetricsConfig metrics, ScrapeConfig scrape) {
    this.config = metrics;
    boolean changed = target == null || !target.equals(scrape);
    this.target = metrics.enabled() ? scrape : null;
    return changed;
  }

  /**
   * Why the latest scrape failed, worded for the policy's status (stable across retries, so a
   * failing scrape is one error, not a new one every interval); null after a good scrape.
   */
  public String lastFailure() {
    return lastFailure;
  }

  /** The app's enriched families from the latest successful scrape; empty after a failed one. */
  public List<MetricFamily> latest() {
    return latest.get();
  }

  /** One scrape; completes when done, never fails (failures are recorded). */
  public Future<Void> scrapeOnce() {
    ScrapeConfig scrape = target;
    if (scrape == null) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(scrape.port())
            .setURI(scrape.path())
            .setSsl(scrape.scheme() == Scheme.HTTPS)
            // As in Prometheus, a scrape never runs longer than its interval.
            .setTimeout(Math.min(scrape.timeout().toMillis(), scrape.interval().toMillis()))
            .putHeader("accept", ACCEPT)
            .putHeader("accept-encoding", "gzip")
            .putHeader(
                "x-prometheus-scrape-timeout-seconds",
                Double.toString(scrape.timeout().toMillis() / 1000.0));
    long deadline = Math.min(scrape.timeout().toMillis(), scrape.interval().toMillis());
    return client
        .request(options)
        .compose(
            request ->
                // A hard deadline over the whole exchange, body included; the stream is reset when
                // it passes.
                request
                    .send()
                    .compose(response -> collect(response).map(body -> new Answer(response, body)))
                    .timeout(deadline, TimeUnit.MILLISECONDS)
                    .onFailure(error -> request.reset()))
        .compose(
            answer -> {
              var response = answer.response();
              if (response.statusCode() != 200) {
                return Future.failedFuture(
                    new ScrapeFailure(
                        "http_" + response.statusCode(),
                        "the app answered " + response.statusCode()));
              }
              String type = response.getHeader("content-type");
              ExpositionParser.Format format =
                  type != null && type.startsWith("application/openmetrics-text")
                      ? ExpositionParser.Format.OPENMETRICS
                      : ExpositionParser.Format.PROMETHEUS_TEXT;
              return parse(answer.body(), format);
            })
        .onSuccess(
            scraped -> {
              Exposition exposition = scraped.exposition();
              latest.set(scraped.enriched());
              lastFailure = null;
              up.set(1);
              samples.set(exposition.seriesCount());
              count(
                  "outrigger.app.scrape.series.dropped",
                  "Series left out because the per-scrape cap was reached",
                  exposition.droppedSeries());
              count(
                  "outrigger.app.scrape.label.values.truncated",
                  "Label values cut to the length cap",
                  exposition.truncatedValues());
            })
        .onFailure(
            error -> {
              latest.set(List.of());
              up.set(0);
              samples.set(0);
              String reason = reason(error);
              lastFailure =
                  "scrape of :"
                      + scrape.port()
                      + scrape.path()
                      + " failed ("
                      + reason
                      + "): "
                      + error.getMessage();
              scrapeErrors(reason).increment();
              JsonLog.debug(
                  "app scrape failed",
                  "reason",
                  reason,
                  "error",
                  String.valueOf(error.getMessage()));
            })
        .andThen(
            done ->
                Timer.builder("outrigger.app.scrape.duration")
                    .description("Time to scrape, parse and enrich the app's metrics")
                    .publishPercentiles(0.5, 0.99)
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
        .<Void>mapEmpty()
        .recover(error -> Future.succeededFuture());
  }

  /**
   * The response body in one array sized from its content-length (when given and within the cap),
   * instead of a buffer that grows by copies and is then copied out again.
   */
  private Future<Body> collect(HttpClientResponse response) {
    int cap = maxBodyBytes;
    String declared = response.getHeader("content-length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
    }
    if (length > cap) {
      // Refused from its headers alone; the caller resets the stream.
      return Future.failedFuture(tooLarge());
    }
    Body body = new Body(length >= 0 ? (int) length : 64 * 1024, cap);
    Promise<Body> done = Promise.promise();
    response.handler(
        chunk -> {
          if ((long) body.length + chunk.length() > cap) {
            // Without a content-length (chunked or compressed), the cap is checked as it arrives,
            // on the decompressed bytes: a small gzip body cannot inflate past it.
            done.tryFail(tooLarge());
          } else if (!done.future().isComplete()) {
            body.append(chunk);
          }
        });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(body));
    return done.future();
  }

  private ScrapeFailure tooLarge() {
    return new ScrapeFailure(
        "too_large",
        "the exposition is larger than the "
            + maxBodyBytes / MIB
            + " MiB this sidecar's heap allows (a sixteenth of it; a higher memory limit raises it)");
  }

  /** A growable byte array holding a response body. */
  static final class Body {
    byte[] bytes;
    int length;
    private final int cap;

    Body(int capacity, int cap) {
      this.cap = cap;
      bytes = new byte[Math.max(Math.min(capacity, cap), 16)];
    }

    void append(Buffer chunk) {
      int n = chunk.length();
      if (length + n > bytes.length) {
        // The caller keeps bodies within the cap.
        bytes =
            java.util.Arrays.copyOf(
                bytes, (int) Math.min(Math.max((long) bytes.length * 2, length + n), cap));
      }
      chunk.getBytes(0, n, bytes, length);
      length += n;
    }
  }

  private Future<Scraped> parse(Body body, ExpositionParser.Format format) {
    MetricsConfig metrics = config;
    Enrichment labels = enrichment;
    ExpositionParser.Limits limits =
        new ExpositionParser.Limits(metrics.maxSeries(), metrics.maxLabelValueLength());
    // Parsing and enriching a large exposition takes milliseconds: off the event loop, so proxied
    // requests never wait for it.
    return vertx.executeBlocking(
        () -> {
          Exposition exposition = ExpositionParser.parse(body.bytes, body.length, format, limits);
          return new Scraped(
              exposition, exposition.families().stream().map(labels::apply).toList());
        },
        false);
  }

  /**
   * The {@code reason} label of a failed scrape, from a bounded set: {@code malformed_<rule>} names
   * the exposition rule a refused body broke ({@link ExpositionException.Rule}), the others say why
   * there was no body to parse.
   */
  static String reason(Throwable error) {
    if (error instanceof ScrapeFailure f) {
      return f.reason;
    }
    if (error instanceof ExpositionException e) {
      return "malformed_" + e.rule().reason();
    }
    return "unreachable";
  }

  /** A parsed scrape and its families with the pod's labels added. */
  private record Scraped(Exposition exposition, List<MetricFamily> enriched) {}

  private void count(String name, String description, int amount) {
    Counter counter = Counter.builder(name).description(description).register(registry);
    if (amount > 0) {
      counter.increment(amount);
    }
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private record Answer(HttpClientResponse response, Body body) {}

  /** A scrape that got an answer the sidecar cannot use. */
  static final class ScrapeFailure extends RuntimeException {
    final String reason;

    ScrapeFailure(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
