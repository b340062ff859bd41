package io.outrigger.sidecar.component;

import io.outrigger.sidecar.tracing.VertxGrpcSenderProvider;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** The one Vert.x instance a sidecar runs on. */
public final class SidecarVertx {
  private SidecarVertx() {}

  /**
   * {@code eventLoops} event loops, two worker threads (rendering and parsing off the loops), the
   * native transport where there is one: the ambassador reads {@code SO_ORIGINAL_DST} through it.
   * gRPC span export shares these loops instead of starting its own.
   */
  public static Vertx create(int eventLoops) {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(2)
                .setPreferNativeTransport(true));
    VertxGrpcSenderProvider.useVertx(vertx);
    return vertx;
  }
}
