package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.operator.OperatorNames;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warning events about policies and pods, each sent once per object and message: a reconcile that
 * runs again (every pod change triggers one) must not repeat them.
 */
public final class PolicyEvents {
  private static final Logger LOG = Logger.getLogger(PolicyEvents.class.getName());

  /** Bounded so a churn of pods cannot grow it without limit; an overflow only re-sends. */
  private static final int MAX_REMEMBERED = 50_000;

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Boolean> sent = new ConcurrentHashMap<>();

  public PolicyEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A Warning event on {@code object}, unless the same one was already sent. */
  public void warn(HasMetadata object, String reason, String message) {
    String key =
        object.getMetadata().getUid()
            + "/"
            + object.getMetadata().getGeneration()
            + "/"
            + reason
            + "/"
            + message;
    if (sent.size() > MAX_REMEMBERED) {
      sent.clear();
    }
    if (sent.putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    String now = clock.instant().toString();
    String namespace = object.getMetadata().getNamespace();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(object.getApiVersion())
                    .withKind(object.getKind())
                    .withNamespace(namespace)
                    .withName(object.getMetadata().getName())
                    .withUid(object.getMetadata().getUid())
                    .withResourceVersion(object.getMetadata().getResourceVersion())
                    .build())
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withNewSource()
            .withComponent(OperatorNames.COMPONENT)
            .endSource()
            .withReportingComponent(OperatorNames.COMPONENT)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy; the status says the same. Forget it so a later reconcile retries.
      sent.remove(key);
      LOG.log(
          Level.WARNING,
          "cannot record event "
              + reason.toLowerCase(Locale.ROOT)
              + " on "
              + object.getMetadata().getName()
              + ": "
              + e.getMessage());
    }
  }
}
