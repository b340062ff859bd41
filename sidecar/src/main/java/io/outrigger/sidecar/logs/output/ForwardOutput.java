package io.outrigger.sidecar.logs.output;

import io.outrigger.config.SidecarConfig.ForwardOutputConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.PackedRecord;
import io.outrigger.sidecar.logs.RecordPacker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Fluentd Forward protocol v1 over TCP (optionally TLS): each batch is one {@code PackedForward}
 * frame. With {@code requireAck} the frame carries a random {@code chunk} id and the send completes
 * only when the receiver answers {@code {"ack": chunk}}; without it, when the frame is written to
 * the socket (a receiver crash can then lose it, which is why ack is the default).
 *
 * <p>One connection, opened on the first send and again after any failure. A missing ack (after
 * {@code ackTimeout}), a closed connection or an answer that is not an ack fails every batch
 * waiting on that connection and closes it: the caller resends them, so the receiver may see a
 * batch twice (at-least-once), never zero times. All state lives on one Vert.x context.
 */
public final class ForwardOutput implements LogOutput {
  private final ForwardOutputConfig config;
  private final Context context;
  private final NetClient client;
  private final Map<String, Promise<Void>> awaitingAck = new LinkedHashMap<>();
  private Future<NetSocket> connection;
  private boolean closed;

  public ForwardOutput(Vertx vertx, ForwardOutputConfig config) {
    this.config = config;
    this.context = vertx.getOrCreateContext();
    NetClientOptions options =
        new NetClientOptions()
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true);
    if (config.tls()) {
      options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      if (config.caFile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(config.caFile()));
      }
    }
    this.client = vertx.createNetClient(options);
  }

  @Override
  public String name() {
    return "forward";
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    return sendPacked(RecordPacker.packAll(batch));
  }

  /** The records go out as they were packed: a packed record starts with its Fluentd event. */
  @Override
  public Future<Void> sendPacked(List<PackedRecord> batch) {
    Promise<Void> acknowledged = Promise.promise();
    context.runOnContext(ignored -> sendOnContext(batch, acknowledged));
    return acknowledged.future();
  }

  private void sendOnContext(List<PackedRecord> batch, Promise<Void> acknowledged) {
    if (closed) {
      acknowledged.fail(new IllegalStateException("forward output closed"));
      return;
    }
    if (batch.isEmpty()) {
      acknowledged.complete();
      return;
    }
    String chunk = config.requireAck() ? newChunkId() : null;
    Buffer frame = ForwardEncoder.packedForward(config.tag(), batch, chunk);
    connect()
        .onFailure(acknowledged::fail)
        .onSuccess(
            socket -> {
              if (chunk == null) {
                socket.write(frame).onComplete(acknowledged);
                return;
              }
              awaitingAck.put(chunk, acknowledged);
              long timer =
                  context
                      .owner()
                      .setTimer(
                          config.ackTimeout().toMillis(),
                          id -> {
                            if (awaitingAck.containsKey(chunk)) {
                              dropConnection(
                                  socket,
                                  new TimeoutException(
                                      "no ack for chunk "
                                          + chunk
                                          + " within "
                                          + config.ackTimeout().toMillis()
                                          + " ms"));
                            }
                          });
              acknowledged.future().onComplete(done -> context.owner().cancelTimer(timer));
              socket
                  .write(frame)
                  .onFailure(
                      e -> {
                        Promise<Void> waiting = awaitingAck.remove(chunk);
                        if (waiting != null) {
                          waiting.tryFail(e);
                        }
                      });
            });
  }

  private Future<NetSocket> connect() {
    if (connection != null && !connection.failed()) {
      return connection;
    }
    ForwardAckDecoder fresh = new ForwardAckDecoder();
    connection =
        client
            .connect(config.port(), config.host())
            .map(
                socket -> {
                  socket.handler(bytes -> onAnswer(socket, fresh, bytes));
                  socket.exceptionHandler(e -> dropConnection(socket, e));
                  socket.closeHandler(
                      ignored ->
                          failAwaiting(
                              socket,
                              new IllegalStateException(
                                  "connection to "
                                      + config.host()
                                      + ":"
                                      + config.port()
                                      + " closed before the ack")));
                  return socket;
                });
    Future<NetSocket> attempt = connection;
    attempt.onFailure(
        e -> {
          if (connection == attempt) {
            connection = null;
          }
        });
    return attempt;
  }

  private void onAnswer(NetSocket socket, ForwardAckDecoder from, Buffer bytes) {
    List<String> acks;
    try {
      acks = from.feed(bytes.getBytes());
    } catch (ForwardAckDecoder.MalformedAckException e) {
      dropConnection(socket, e);
      return;
    }
    for (String chunk : acks) {
      Promise<Void> waiting = awaitingAck.remove(chunk);
      if (waiting != null) {
        waiting.tryComplete();
      } else {
        // A late ack for a chunk that already timed out: it was resent, and the resend gets its
        // own.
        JsonLog.debug("forward ack for an unknown chunk", "chunk", chunk);
      }
    }
  }

  /** Fails every batch waiting on this connection and closes it; the next send reconnects. */
  private void dropConnection(NetSocket socket, Throwable reason) {
    failAwaiting(socket, reason);
    socket.close();
  }

  private void failAwaiting(NetSocket socket, Throwable reason) {
    if (connection != null && connection.succeeded() && connection.result() == socket) {
      connection = null;
      List<Promise<Void>> waiting = List.copyOf(awaitingAck.values());
      awaitingAck.clear();
      waiting.forEach(p -> p.tryFail(reason));
    }
  }

  /** 128 random bits, base64 as Fluentd's own out_forward does. */
  static String newChunkId() {
    UUID id = UUID.randomUUID();
    byte[] bytes =
        ByteBuffer.allocate(16)
            .putLong(id.getMostSignificantBits())
            .putLong(id.getLeastSignificantBits())
            .array();
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        ignored -> {
          closed = true;
          if (connection != null && connection.succeeded()) {
            dropConnection(connection.result(), new IllegalStateException("forward output closed"));
          }
          client.close().onComplete(done);
        });
    return done.future();
  }
}
