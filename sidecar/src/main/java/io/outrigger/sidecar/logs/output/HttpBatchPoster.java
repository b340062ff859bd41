package io.outrigger.sidecar.logs.output;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs one batch body and succeeds only on a 2xx answer: the HTTP outputs' acknowledgement. Any
 * other status fails with the status and the start of the receiver's answer, so the log says why;
 * 413, 400 and 422 fail as a {@link RefusedBatchException}, which is split rather than resent.
 */
final class HttpBatchPoster {
  private final HttpClient client;
  private final String url;
  private final Map<String, String> headers;
  private final Duration timeout;

  HttpBatchPoster(Vertx vertx, String url, Map<String, String> headers, Duration timeout) {
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    this.url = url;
    this.headers = headers;
    this.timeout = timeout;
  }

  Future<Void> post(String contentType, Buffer body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setIdleTimeout(timeout.toMillis())
            .putHeader("content-type", contentType)
            .putHeader("user-agent", "outrigger-sidecar");
    headers.forEach(options::putHeader);
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        answer -> {
                          if (response.statusCode() / 100 == 2) {
                            return Future.succeededFuture();
                          }
                          String message =
                              url
                                  + " answered "
                                  + response.statusCode()
                                  + ": "
                                  + excerpt(answer.toString());
                          return Future.failedFuture(
                              RefusedBatchException.forStatus(response.statusCode())
                                  .<RuntimeException>map(
                                      reason ->
                                          new RefusedBatchException(
                                              response.statusCode(), reason, message))
                                  .orElseGet(() -> new IllegalStateException(message)));
                        }));
  }

  private static String excerpt(String text) {
    String line = text.replace('\n', ' ').strip();
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  Future<Void> close() {
    return client.close();
  }
}
