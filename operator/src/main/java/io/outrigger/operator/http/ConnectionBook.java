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
 * <p>A connection is <em>waiting</em> from when it opens, and again from each answer, until a
 * complete request (head and body) has arrived; then it is <em>busy</em> until answered. Only
 * waiting connections are ever closed: a slow-loris connection is waiting forever, while the API
 * server's connections wait a few milliseconds before each request. At the cap, the connection that
 * has waited longest goes, so a flood of stalled connections makes room for the next real client
 * instead of locking it out.
 *
 * @param <C> what a connection is to the caller
 */
final class ConnectionBook<C> {
  /** Waiting connections by when they started to wait, oldest first (insertion order). */
  private final LinkedHashMap<C, Long> waiting = new LinkedHashMap<>();

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
    waiting.put(connection, now);
    if (size() <= max) {
      return Optional.empty();
    }
    C oldest = waiting.keySet().iterator().next();
    waiting.remove(oldest);
    return Optional.of(oldest);
  }

  /** A complete request arrived on {@code connection}: it is not closed while being answered. */
  synchronized void busy(C connection) {
    if (waiting.remove(connection) != null) {
      busy.add(connection);
    }
  }

  /** {@code connection} was answered at {@code now} and waits for its next request. */
  synchronized void answered(C connection, long now) {
    if (busy.remove(connection)) {
      waiting.put(connection, now);
    }
  }

  synchronized void closed(C connection) {
    waiting.remove(connection);
    busy.remove(connection);
  }

  /**
   * The connections that have waited {@code timeout} or longer at {@code now}; forgotten here, the
   * caller closes them.
   */
  synchronized List<C> expired(long now, long timeout) {
    List<C> expired = new ArrayList<>();
    Iterator<Map.Entry<C, Long>> entries = waiting.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<C, Long> entry = entries.next();
      if (now - entry.getValue() < timeout) {
        break; // oldest first: the rest waited less
      }
      expired.add(entry.getKey());
      entries.remove();
    }
    return expired;
  }

  synchronized int size() {
    return waiting.size() + busy.size();
  }

  synchronized int waitingCount() {
    return waiting.size();
  }
}
