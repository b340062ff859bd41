package io.outrigger.sidecar.component;

import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.tracing.VertxGrpcSenderProvider;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.util.Locale;

/** The one Vert.x instance a sidecar runs on. */
public final class SidecarVertx {
  /**
   * The environment variable that picks the transport: {@code epoll} (default), {@code io_uring},
   * {@code nio}.
   */
  public static final String TRANSPORT_ENV = "OUTRIGGER_TRANSPORT";

  private SidecarVertx() {}

  /**
   * {@code eventLoops} event loops, two worker threads (rendering and parsing off the loops), on
   * the transport {@value #TRANSPORT_ENV} names: native epoll by default (the ambassador reads
   * {@code SO_ORIGINAL_DST} through it), io_uring when asked for and the kernel and the runtime's
   * seccomp profile allow it (docs/adr/0011), else epoll. gRPC span export shares these loops
   * instead of starting its own.
   */
  public static Vertx create(int eventLoops) {
    Transport transport = transport(System.getenv(TRANSPORT_ENV));
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2))
            .withTransport(transport)
            .build();
    JsonLog.info("event loops started", "eventLoops", eventLoops, "transport", transport.name());
    VertxGrpcSenderProvider.useVertx(vertx);
    return vertx;
  }

  /**
   * The transport {@code asked} names, or the one to fall back to when it cannot load here (said in
   * the log with the reason, since the sidecar runs on either).
   *
   * @throws IllegalArgumentException for a name that is none of the three
   */
  static Transport transport(String asked) {
    String name =
        asked == null || asked.isBlank() ? "epoll" : asked.trim().toLowerCase(Locale.ROOT);
    Transport wanted =
        switch (name) {
          case "epoll" -> Transport.EPOLL;
          case "io_uring" -> Transport.IO_URING;
          case "nio" -> Transport.NIO;
          default ->
              throw new IllegalArgumentException(
                  TRANSPORT_ENV
                      + ": unknown transport '"
                      + asked
                      + "'; one of: epoll, io_uring, nio");
        };
    if (wanted.available()) {
      return wanted;
    }
    Transport fallback =
        wanted != Transport.EPOLL && Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
    JsonLog.warn(
        "transport unavailable, falling back",
        "asked",
        wanted.name(),
        "using",
        fallback.name(),
        "cause",
        String.valueOf(wanted.unavailabilityCause()));
    return fallback;
  }
}
