package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamFailureTest {
  @Test
  void classifiesTheClientsErrors() {
    assertThat(UpstreamFailure.of(new ConnectException("Connection refused")))
        .isEqualTo(UpstreamFailure.REFUSED);
    assertThat(UpstreamFailure.of(new RuntimeException(new ConnectException("x"))))
        .isEqualTo(UpstreamFailure.REFUSED);
    assertThat(UpstreamFailure.of(new NoStackTraceTimeoutException("idle")))
        .isEqualTo(UpstreamFailure.TIMEOUT);
    assertThat(UpstreamFailure.of(new io.netty.channel.ConnectTimeoutException("slow connect")))
        .isEqualTo(UpstreamFailure.TIMEOUT);
    assertThat(UpstreamFailure.of(new HttpClosedException("closed")))
        .isEqualTo(UpstreamFailure.RESET);
    assertThat(UpstreamFailure.of(new IllegalStateException("anything else")))
        .isEqualTo(UpstreamFailure.RESET);
  }

  @Test
  void bodiesNameTheSidecarAndTheCause() {
    assertThat(UpstreamFailure.REFUSED.body(8080, Duration.ofSeconds(30)))
        .isEqualTo(
            "outrigger sidecar: the app refused the connection on port 8080; it may be down or still starting\n");
    assertThat(UpstreamFailure.TIMEOUT.body(8080, Duration.ofSeconds(90)))
        .isEqualTo("outrigger sidecar: the app did not answer within 1m30s\n");
    assertThat(UpstreamFailure.RESET.status()).isEqualTo(502);
    assertThat(UpstreamFailure.REFUSED.status()).isEqualTo(503);
    assertThat(UpstreamFailure.TIMEOUT.status()).isEqualTo(504);
  }
}
