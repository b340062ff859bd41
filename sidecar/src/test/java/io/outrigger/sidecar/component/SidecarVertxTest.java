package io.outrigger.sidecar.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

/** Which transport the sidecar runs on, as {@code OUTRIGGER_TRANSPORT} asks, on this machine. */
class SidecarVertxTest {
  @Test
  void epollUnlessAskedOtherwise() {
    assertThat(SidecarVertx.transport(null)).isEqualTo(Transport.EPOLL);
    assertThat(SidecarVertx.transport(" ")).isEqualTo(Transport.EPOLL);
    assertThat(SidecarVertx.transport("EPOLL")).isEqualTo(Transport.EPOLL);
    assertThat(SidecarVertx.transport("nio")).isEqualTo(Transport.NIO);
  }

  /** The kernel here allows io_uring (io_uring_disabled = 0): the library loads and is used. */
  @Test
  void ioUringWhenAskedAndTheKernelAllowsIt() {
    assertThat(Transport.IO_URING.unavailabilityCause()).isNull();
    assertThat(SidecarVertx.transport("io_uring")).isEqualTo(Transport.IO_URING);
    Vertx vertx = Vertx.builder().withTransport(SidecarVertx.transport("io_uring")).build();
    try {
      assertThat(((VertxInternal) vertx).transport().getClass().getSimpleName())
          .isEqualTo("IoUringTransport");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> SidecarVertx.transport("dpdk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OUTRIGGER_TRANSPORT: unknown transport 'dpdk'; one of: epoll, io_uring, nio");
  }
}
