package io.outrigger.sidecar.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.ReportAnswer;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarReport;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.StatusParts;
import io.outrigger.sidecar.config.ConfigUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Sends the sidecar's state to the operator ({@code POST /v1/reports}) when it changes and as a
 * heartbeat, with the pod's projected token. The data plane never waits on it: a missing operator
 * only means backoff and a {@code report} entry in {@code /status}.
 *
 * <p>The answer ({@link ReportAnswer}) may carry the policy's config, when it is not the one this
 * sidecar was given, and the report endpoint's CA bundle: both are kept in {@link ConfigUpdates},
 * where the config watcher and the next report pick them up.
 */
public final class StatusReporter implements Component {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final ReportSettings settings;
  private final Supplier<JsonNode> status;
  private final Clock clock;
  private final URI target;
  private final HttpClientAgent client;
  private final ConfigUpdates updates;

  // Touched only on the event loop that runs the timer and the responses.
  private long timer = -1;
  private boolean inFlight;
  private SidecarReport lastAcceptedState;
  private volatile Instant lastAccepted;
  private Instant lastAttempt;
  private volatile int failures;
  private volatile int lastCode;
  private volatile String lastError;
  private volatile String lastUpdateError;
  private String trustedCa;
  private FileTime caModified;

  public StatusReporter(
      Vertx vertx, ReportSettings settings, Supplier<JsonNode> status, Clock clock) {
    this(vertx, settings, status, clock, null);
  }

  /**
   * @param updates where the answers' config and CA are kept; null to ignore them
   */
  public StatusReporter(
      Vertx vertx,
      ReportSettings settings,
      Supplier<JsonNode> status,
      Clock clock,
      ConfigUpdates updates) {
    this.vertx = vertx;
    this.updates = updates;
    this.settings = settings;
    this.status = status;
    this.clock = clock;
    this.target = URI.create(settings.url());
    boolean https = "https".equalsIgnoreCase(target.getScheme());
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(https)
            .setConnectTimeout(TIMEOUT_MS)
            .setIdleTimeout(60)
            .setKeepAlive(true);
    trustedCa = caFile();
    if (https && trustedCa != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustedCa));
      caModified = modified(trustedCa);
    }
    this.client = vertx.createHttpClient(options);
  }

  /**
   * The reporter for this pod, or none when {@code OUTRIGGER_REPORT_URL} is unset (a standalone
   * sidecar has no operator).
   */
  public static Component fromEnvironment(SidecarContext context, Supplier<JsonNode> status) {
    return ReportSettings.fromEnvironment(context.env())
        .<Component>map(
            settings ->
                new StatusReporter(
                    context.vertx(),
                    settings,
                    status,
                    Clock.systemUTC(),
                    ConfigUpdates.fromEnvironment(context.env())))
        .orElseGet(Component::none);
  }

  /** Starts reporting; what it reports is read from {@code /status}, so configs need nothing. */
  @Override
  public Future<Void> start(SidecarConfig first) {
    start();
    return Future.succeededFuture();
  }

  @Override
  public void status(StatusParts parts) {
    parts.component("report", describe());
  }

  public void start() {
    // Sidecars of one rollout start together; a random first delay spreads their reports.
    long first =
        1 + ThreadLocalRandom.current().nextLong(Math.max(1, settings.checkEvery().toMillis()));
    vertx.setTimer(
        first,
        id -> {
          timer = vertx.setPeriodic(settings.checkEvery().toMillis(), t -> tick());
          tick();
        });
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return client.close();
  }

  /** The reporter's own state, for {@code /status} (not sent: see {@link ReportDocument}). */
  public ObjectNode describe() {
    ObjectNode node = JSON.createObjectNode();
    node.put("state", failures == 0 ? (lastAccepted == null ? "starting" : "ready") : "degraded");
    node.put("url", settings.url());
    if (lastAccepted != null) {
      node.put("lastAcceptedAt", lastAccepted.toString());
    }
    node.put("lastCode", lastCode);
    node.put("failures", failures);
    if (lastError != null) {
      node.put("lastError", lastError);
    }
    if (lastUpdateError != null) {
      node.put("lastUpdateError", lastUpdateError);
    }
    return node;
  }

  void tick() {
    if (inFlight) {
      return;
    }
    SidecarReport report = ReportDocument.from(status.get());
    Instant now = clock.instant();
    boolean changed =
        lastAcceptedState == null || !lastAcceptedState.equals(report.withoutCounters());
    if (!ReportSchedule.due(
        now, changed, lastAccepted, lastAttempt, failures, settings.heartbeat())) {
      return;
    }
    send(report, now);
  }

  private void send(SidecarReport report, Instant now) {
    String token;
    byte[] body;
    try {
      token = Files.readString(Path.of(settings.tokenFile())).strip();
      body = JSON.writeValueAsBytes(report);
    } catch (IOException e) {
      failed(now, 0, "cannot read the token " + settings.tokenFile() + ": " + e.getMessage());
      return;
    }
    inFlight = true;
    lastAttempt = now;
    reloadCaIfChanged()
        .compose(
            v ->
                client.request(
                    new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setAbsoluteURI(settings.url())
                        .putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json")
                        .setTimeout(TIMEOUT_MS)))
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(answer -> answered(response.statusCode(), answer)))
        .onComplete(
            result -> {
              inFlight = false;
              if (result.failed()) {
                failed(now, 0, String.valueOf(result.cause().getMessage()));
              } else if (result.result() == null) {
                failures = 0;
                lastError = null;
                lastAccepted = now;
                lastAcceptedState = report.withoutCounters();
              } else {
                failed(now, lastCode, result.result());
              }
            });
  }

  /** Null when accepted, else why not. */
  private String answered(int code, Buffer answer) {
    lastCode = code;
    if (code / 100 == 2) {
      keepUpdates(answer);
      return null;
    }
    String text = answer.toString().strip();
    return "operator answered " + code + (text.isEmpty() ? "" : ": " + text);
  }

  private void failed(Instant now, int code, String why) {
    lastAttempt = now;
    lastCode = code;
    if (failures == 0 || !why.equals(lastError)) {
      // Once per distinct problem, not once per retry.
      JsonLog.warn("status report not accepted", "url", settings.url(), "error", why);
    }
    failures++;
    lastError = why;
  }

  /**
   * Keeps what an accepted report's answer brings. An answer that is not JSON (an operator of an
   * earlier version says only "accepted") brings nothing. Runs on the event loop: two small files,
   * written only when they changed.
   */
  private void keepUpdates(Buffer answer) {
    if (updates == null || answer.length() == 0 || answer.getByte(0) != '{') {
      return;
    }
    try {
      ReportAnswer parsed = JSON.readValue(answer.getBytes(), ReportAnswer.class);
      if (parsed.reportCa() != null && updates.offerCa(parsed.reportCa())) {
        JsonLog.info("report CA bundle updated from the operator", "file", updates.caFile());
      }
      if (parsed.config() != null && updates.offerConfig(parsed.config())) {
        JsonLog.info(
            "config update from the operator kept",
            "configHash",
            String.valueOf(parsed.configHash()),
            "file",
            updates.configFile());
      }
      lastUpdateError = null;
    } catch (IOException | RuntimeException e) {
      String why = "cannot use the operator's answer: " + e.getMessage();
      if (!why.equals(lastUpdateError)) {
        JsonLog.warn("config update from the operator refused", "error", why);
      }
      lastUpdateError = why;
    }
  }

  /** The bundle to trust: the one the operator's answers brought, else the pod's. */
  private String caFile() {
    if (updates != null && Files.isRegularFile(updates.caFile())) {
      return updates.caFile().toString();
    }
    return settings.caFile();
  }

  /** The operator's CA may be rotated; the bundle then changes and is picked up here. */
  private Future<Void> reloadCaIfChanged() {
    String file = caFile();
    if (file == null || !"https".equalsIgnoreCase(target.getScheme())) {
      return Future.succeededFuture();
    }
    FileTime now = modified(file);
    if (file.equals(trustedCa) && (now == null || now.equals(caModified))) {
      return Future.succeededFuture();
    }
    trustedCa = file;
    caModified = now;
    return client
        .updateSSLOptions(
            new ClientSSLOptions().setTrustOptions(new PemTrustOptions().addCertPath(file)))
        .mapEmpty();
  }

  private static FileTime modified(String file) {
    try {
      return Files.getLastModifiedTime(Path.of(file));
    } catch (IOException e) {
      return null;
    }
  }
}
