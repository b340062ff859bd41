package io.outrigger.sidecar.logs.output;

import io.outrigger.config.SidecarConfig.HttpOutputConfig;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * POSTs each batch as newline-delimited JSON ({@code application/x-ndjson}), one {@link
 * LogRecordJson} object per line, to a fixed URL; acknowledged by any 2xx answer. Fits Vector's and
 * Fluent Bit's HTTP inputs and most log services' bulk endpoints.
 */
public final class HttpJsonLinesOutput implements LogOutput {
  private final HttpBatchPoster poster;

  public HttpJsonLinesOutput(Vertx vertx, HttpOutputConfig config) {
    this.poster = new HttpBatchPoster(vertx, config.url(), config.headers(), config.timeout());
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return poster.post("application/x-ndjson", Buffer.buffer(lines(batch)));
  }

  static String lines(List<LogRecord> batch) {
    StringBuilder body = new StringBuilder(batch.size() * 256);
    for (LogRecord record : batch) {
      body.append(LogRecordJson.of(record)).append('\n');
    }
    return body.toString();
  }

  @Override
  public Future<Void> close() {
    return poster.close();
  }
}
