package io.outrigger.webhook.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.MalformedAdmissionReviewException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code POST /mutate}: an AdmissionReview in, the handler's answer out. */
public final class MutateEndpoint implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(MutateEndpoint.class.getName());

  /** The API server sends at most a few MB per object; more is not an admission request. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final AdmissionHandler handler;

  public MutateEndpoint(AdmissionHandler handler) {
    this.handler = handler;
  }

  /** The HTTP answer to a review: status, content type and body. */
  public record Answer(int status, String contentType, byte[] body) {}

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = ReloadingHttpsServer.postBody(exchange, MAX_BODY_BYTES, "an AdmissionReview");
      if (body == null) {
        return;
      }
      Answer answer = answer(handler, body);
      ReloadingHttpsServer.respond(exchange, answer.status(), answer.contentType(), answer.body());
    }
  }

  /** What any HTTP server answers to the review {@code body}; the operator's server uses it too. */
  public static Answer answer(AdmissionHandler handler, byte[] body) {
    try {
      return new Answer(200, "application/json", handler.handle(body));
    } catch (MalformedAdmissionReviewException e) {
      return new Answer(400, "text/plain", bytes(e.getMessage() + "\n"));
    } catch (RuntimeException e) {
      // The handler fails open itself; reaching here is a bug, and a 500 makes the API server
      // apply the webhook's failurePolicy rather than hang.
      LOG.log(Level.SEVERE, "admission handler failed", e);
      return new Answer(500, "text/plain", bytes("internal error\n"));
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
