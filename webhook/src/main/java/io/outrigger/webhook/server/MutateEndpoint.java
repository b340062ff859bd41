package io.outrigger.webhook.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.MalformedAdmissionReviewException;
import java.io.IOException;
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

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = ReloadingHttpsServer.postBody(exchange, MAX_BODY_BYTES, "an AdmissionReview");
      if (body == null) {
        return;
      }
      byte[] answer;
      try {
        answer = handler.handle(body);
      } catch (MalformedAdmissionReviewException e) {
        ReloadingHttpsServer.respond(exchange, 400, "text/plain", e.getMessage() + "\n");
        return;
      } catch (RuntimeException e) {
        // The handler fails open itself; reaching here is a bug, and a 500 makes the API server
        // apply the webhook's failurePolicy rather than hang.
        LOG.log(Level.SEVERE, "admission handler failed", e);
        ReloadingHttpsServer.respond(exchange, 500, "text/plain", "internal error\n");
        return;
      }
      ReloadingHttpsServer.respond(exchange, 200, "application/json", answer);
    }
  }
}
