package io.outrigger.sidecar.logs.output;

import io.outrigger.config.SidecarConfig.LokiConfig;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loki's push API, JSON body ({@link LokiPushBody}); a batch is acknowledged by Loki's 204 (any
 * 2xx). With {@code tenantId} set, requests carry {@code X-Scope-OrgID}.
 */
public final class LokiOutput implements LogOutput {
  static final String PUSH_PATH = "/loki/api/v1/push";

  private final LokiConfig config;
  private final HttpBatchPoster poster;

  public LokiOutput(Vertx vertx, LokiConfig config) {
    this.config = config;
    Map<String, String> headers = new HashMap<>();
    if (config.tenantId() != null) {
      headers.put("X-Scope-OrgID", config.tenantId());
    }
    this.poster = new HttpBatchPoster(vertx, pushUrl(config.url()), headers, config.timeout());
  }

  @Override
  public String name() {
    return "loki";
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    String body = LokiPushBody.of(batch, config.labels(), config.structuredMetadata());
    return poster.post("application/json", Buffer.buffer(body));
  }

  static String pushUrl(String url) {
    return url.endsWith(PUSH_PATH) ? url : url.replaceAll("/+$", "") + PUSH_PATH;
  }

  @Override
  public Future<Void> close() {
    return poster.close();
  }
}
