package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.sidecar.logs.LogRecord;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A record as OTLP carries it, whatever layout the other outputs use. */
class OtlpLogRecordDataTest {
  private static final Instant LINE_TIME = Instant.parse("2026-12-03T15:59:59Z");
  private static final Instant READ = Instant.parse("2026-12-03T16:00:00.250Z");

  @Test
  void theObservedTimeIsWhenTheLineWasReadAndAMapGoesAsDottedKeys() {
    LogRecord record =
        new LogRecord(
            LINE_TIME,
            "warn",
            "slow",
            Map.of(
                "log",
                "raw line",
                "kubernetes",
                Map.of("namespace_name", "shop", "labels", Map.of("app", "checkout"))),
            null,
            null,
            READ);

    OtlpLogRecordData data = OtlpLogRecordData.of(record, Resource.empty());

    assertThat(data.getTimestampEpochNanos())
        .isEqualTo(LINE_TIME.getEpochSecond() * 1_000_000_000L);
    assertThat(data.getObservedTimestampEpochNanos())
        .isEqualTo(READ.getEpochSecond() * 1_000_000_000L + 250_000_000L);
    assertThat(data.getAttributes().get(AttributeKey.stringKey("kubernetes.namespace_name")))
        .isEqualTo("shop");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("kubernetes.labels.app")))
        .isEqualTo("checkout");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("log"))).isEqualTo("raw line");
  }

  @Test
  void lokiStreamLabelsComeFromEitherLayout() {
    LogRecord flat =
        new LogRecord(
            LINE_TIME,
            null,
            "x",
            Map.of("k8s.namespace.name", "shop", "k8s.pod.name", "p", "k8s.container.name", "app"),
            null,
            null);
    LogRecord nested =
        new LogRecord(
            LINE_TIME,
            null,
            null,
            Map.of(
                "log",
                "x",
                "kubernetes",
                Map.of("namespace_name", "shop", "pod_name", "p", "container_name", "app")),
            null,
            null);

    assertThat(LokiPushBody.labels(nested, Map.of()))
        .isEqualTo(LokiPushBody.labels(flat, Map.of()))
        .isEqualTo(Map.of("namespace", "shop", "pod", "p", "container", "app"));
  }
}
