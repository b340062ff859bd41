package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.outrigger.operator.OperatorNames;
import io.outrigger.webhook.admission.InjectionEvent;
import io.outrigger.webhook.admission.InjectionEvents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the admission's {@link InjectionEvent}s as Normal events, off the admission path: the
 * handler only queues (a full queue drops and counts), one thread writes.
 *
 * <p>Like client-go's event recorder, repeats aggregate instead of piling up: the pods of one owner
 * with one outcome make one event whose {@code count} and {@code lastTimestamp} follow, written at
 * most once per flush interval. A pod of a Deployment is told to the Deployment (resolved from its
 * ReplicaSet), where {@code kubectl describe deployment} shows it, as Linkerd does. The event's
 * name is derived from the owner and the outcome, so another replica (or this one after a restart)
 * that writes the same event finds it and counts on instead of creating a second one.
 */
public final class InjectionEventRecorder implements InjectionEvents, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(InjectionEventRecorder.class.getName());

  public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(10);

  /** A burst of creates beyond this while the writer is behind loses events, never admissions. */
  private static final int MAX_QUEUED = 1024;

  /** Series and owners remembered; the oldest are forgotten (their next pod starts a new count). */
  private static final int MAX_REMEMBERED = 4096;

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration flushInterval;
  private final BlockingQueue<InjectionEvent> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final AtomicLong dropped = new AtomicLong();
  private final Map<String, Series> series = lru();
  private final Map<String, ObjectReference> owners = lru();
  private final Thread writer;
  private volatile boolean closed;

  /** One event as written, with the count this replica has seen. */
  private static final class Series {
    final String namespace;
    final String name;
    int count;
    int written;
    Instant last;

    Series(String namespace, String name, int count, Instant last) {
      this.namespace = namespace;
      this.name = name;
      this.count = count;
      this.written = count;
      this.last = last;
    }
  }

  public InjectionEventRecorder(KubernetesClient client, Clock clock, Duration flushInterval) {
    this.client = client;
    this.clock = clock;
    this.flushInterval = flushInterval;
    this.writer = new Thread(this::run, "outrigger-injection-events");
    writer.setDaemon(true);
    writer.start();
  }

  public InjectionEventRecorder(KubernetesClient client) {
    this(client, Clock.systemUTC(), FLUSH_INTERVAL);
  }

  @Override
  public void record(InjectionEvent event) {
    if (!closed && !queue.offer(event) && dropped.getAndIncrement() == 0) {
      LOG.warning("injection events arrive faster than they are written; dropping some");
    }
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  private void run() {
    long nextFlush = System.nanoTime() + flushInterval.toNanos();
    while (!closed || !queue.isEmpty()) {
      try {
        InjectionEvent event = queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (event != null) {
          write(event);
        }
        if (System.nanoTime() - nextFlush >= 0 || (closed && queue.isEmpty())) {
          flush();
          nextFlush = System.nanoTime() + flushInterval.toNanos();
        }
      } catch (InterruptedException e) {
        closed = true;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot record an injection event: " + e.getMessage());
      }
    }
  }

  private void write(InjectionEvent event) {
    ObjectReference involved = involved(event);
    String key = involved.getUid() + "/" + event.reason() + "/" + event.message();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Series known = series.get(key);
    if (known != null) {
      known.count++;
      known.last = now;
      return;
    }
    String name = eventName(involved.getName(), key);
    Event created =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(event.namespace())
            .endMetadata()
            .withInvolvedObject(involved)
            .withType("Normal")
            .withReason(event.reason())
            .withMessage(event.message())
            .withNewSource()
            .withComponent(OperatorNames.COMPONENT)
            .endSource()
            .withReportingComponent(OperatorNames.COMPONENT)
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(event.namespace()).resource(created).create();
      series.put(key, new Series(event.namespace(), name, 1, now));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Written before, by another replica or before a restart: count on from its count.
      Event existing = client.v1().events().inNamespace(event.namespace()).withName(name).get();
      int count = existing == null || existing.getCount() == null ? 0 : existing.getCount();
      Series adopted = new Series(event.namespace(), name, count, now);
      adopted.count++;
      series.put(key, adopted);
    }
  }

  /** Writes the counts that grew since they were last written. */
  private void flush() {
    for (var it = series.values().iterator(); it.hasNext(); ) {
      Series s = it.next();
      if (s.count == s.written) {
        continue;
      }
      String patch = "{\"count\":" + s.count + ",\"lastTimestamp\":\"" + s.last.toString() + "\"}";
      try {
        client
            .v1()
            .events()
            .inNamespace(s.namespace)
            .withName(s.name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        s.written = s.count;
      } catch (KubernetesClientException e) {
        // Expired (the API server keeps events an hour) or refused: the next pod starts anew.
        it.remove();
        LOG.log(Level.FINE, "cannot update event " + s.name + ": " + e.getMessage());
      }
    }
  }

  /** The pod's owner, or the Deployment that owns it when it is a ReplicaSet. */
  private ObjectReference involved(InjectionEvent event) {
    OwnerReference owner = event.owner();
    ObjectReference direct = reference(event.namespace(), owner);
    if (!"ReplicaSet".equals(owner.getKind()) || !"apps/v1".equals(owner.getApiVersion())) {
      return direct;
    }
    ObjectReference known = owners.get(owner.getUid());
    if (known != null) {
      return known;
    }
    ObjectReference resolved = direct;
    try {
      ReplicaSet replicaSet =
          client
              .apps()
              .replicaSets()
              .inNamespace(event.namespace())
              .withName(owner.getName())
              .get();
      if (replicaSet != null && replicaSet.getMetadata().getOwnerReferences() != null) {
        resolved =
            replicaSet.getMetadata().getOwnerReferences().stream()
                .filter(ref -> Boolean.TRUE.equals(ref.getController()))
                .filter(ref -> "Deployment".equals(ref.getKind()))
                .findFirst()
                .map(ref -> reference(event.namespace(), ref))
                .orElse(direct);
      }
    } catch (KubernetesClientException e) {
      // Not allowed to read ReplicaSets, or gone: the ReplicaSet is still a fine owner to tell.
      LOG.log(Level.FINE, "cannot read replicaset " + owner.getName() + ": " + e.getMessage());
    }
    owners.put(owner.getUid(), resolved);
    return resolved;
  }

  private static ObjectReference reference(String namespace, OwnerReference owner) {
    return new ObjectReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withNamespace(namespace)
        .withName(owner.getName())
        .withUid(owner.getUid())
        .build();
  }

  /**
   * {@code <owner>.<hash of owner uid, reason and message>}: the same outcome for the same owner
   * always names the same event; within the 253 characters of a name.
   */
  static String eventName(String ownerName, String key) {
    String hash = HexFormat.of().formatHex(sha256(key), 0, 8);
    String prefix = ownerName.length() > 253 - 17 ? ownerName.substring(0, 253 - 17) : ownerName;
    return prefix + "." + hash;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_REMEMBERED;
      }
    };
  }

  /** Writes what is queued and the counts that grew, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
