package io.outrigger.operator.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of a server's connection guard, without sockets or clocks: which connection to
 * close when a new one would pass the cap, and which have waited too long for their request.
 *
 * <p>A connection is <em>new</em> from when it opens until its first complete request (head and
 * body) has arrived, <em>busy</em> while a request is answered, and <em>kept alive</em> from each
 * answer until the next complete request. Only new and kept-alive connections are ever closed, and
 * each kind has its own deadline: a new connection must send its first request soon (a slow-loris
 * connection never does), while a kept-alive one may wait as long as clients keep idle connections
 * in their pools — the API server keeps them 90 s, and a server that closes one first races the
 * client reusing it: a POST meeting a closing connection fails, and the pod is admitted without a
 * sidecar. At the cap, the connection that has waited longest goes, whichever its kind, so a flood
 * of stalled connections makes room for the next real client instead of locking it out.
 *
 * @param <C> what a connection is to the caller
 */
final class ConnectionBook<C> {
  /** New connections by when they opened, oldest first (insertion order). */
  private final LinkedHashMap<C, Long> fresh = new LinkedHashMap<>();

  /** Kept-alive connections by when they were last answered, oldest first. */
  private final LinkedHashMap<C, Long> kept = new LinkedHashMap<>();

  private final Set<C> busy = new HashSet<>();
  private final int max;

  ConnectionBook(int max) {
    this.max = max;
  }

  /**
   * {@code connection} opened at {@code now}; the connection to close to stay within the cap, if
   * any: the longest waiting one, or {@code connection} itself when all others are busy.
   */
  synchronized Optional<C> opened(C connection, long now) {
    fresh.put(connection, now);
    if (size() <= max) {
      return Optional.empty();
    }
    Map.Entry<C, Long> oldestFresh = fresh.entrySet().iterator().next();
    Map.Entry<C, Long> oldestKept = kept.isEmpty() ? null : kept.entrySet().iterator().next();
    C victim =
        oldestKept != null && oldestKept.getValue() < oldestFresh.getValue()
            ? oldestKept.getKey()
            : oldestFresh.getKey();
    fresh.remove(victim);
    kept.remove(victim);
    return Optional.of(victim);
  }

  /** A complete request arrived on {@code connection}: it is not closed while being answered. */
  synchronized void busy(C connection) {
    if (fresh.remove(connection) != null || kept.remove(connection) != null) {
      busy.add(connection);
    }
  }

  /** {@code connection} was answered at {@code now} and waits for its next request. */
  synchronized void answered(C connection, long now) {
    if (busy.remove(connection)) {
      kept.put(connection, now);
    }
  }

  synchronized void closed(C connection) {
    fresh.remove(connection);
    kept.remove(connection);
    busy.remove(connection);
  }

  /**
   * The connections past their deadline at {@code now}: new ones that waited {@code firstRequest}
   * or longer, kept-alive ones that waited {@code keepAlive} or longer; forgotten here, the caller
   * closes them.
   */
  synchronized List<C> expired(long now, long firstRequest, long keepAlive) {
    List<C> expired = new ArrayList<>();
    expire(fresh, now, firstRequest, expired);
    expire(kept, now, keepAlive, expired);
    return expired;
  }

  private static <C> void expire(
      LinkedHashMap<C, Long> waiting, long now, long timeout, List<C> expired) {
    Iterator<Map.Entry<C, Long>> entries = waiting.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<C, Long> entry = entries.next();
      if (now - entry.getValue() < timeout) {
        break; // oldest first: the rest waited less
      }
      expired.add(entry.getKey());
      entries.remove();
    }
  }

  synchronized int size() {
    return fresh.size() + kept.size() + busy.size();
  }

  synchronized int waitingCount() {
    return fresh.size() + kept.size();
  }
}
