package io.outrigger.sidecar.logs.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.config.SidecarConfig.MultilineConfig;
import io.outrigger.sidecar.logs.parse.MultilineJoiner.Joined;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultilineJoinerTest {
  private final List<Joined> out = new ArrayList<>();
  private long offset;

  private void feed(MultilineJoiner joiner, long now, String... lines) {
    for (String line : lines) {
      offset += line.length() + 1;
      joiner.accept(line, offset, now, out::add);
    }
  }

  @Test
  void startPatternJoinsAStackTraceUnderItsMessage() {
    MultilineJoiner joiner =
        new MultilineJoiner(
            new MultilineConfig("^\\d{4}-", null, Duration.ofSeconds(1), 100), 1 << 20);
    feed(
        joiner,
        0,
        "2024-05-01 ERROR boom",
        "java.lang.IllegalStateException: boom",
        "\tat a.B.c(B.java:1)",
        "2024-05-01 INFO next");
    assertThat(out).hasSize(1);
    assertThat(out.get(0).text())
        .isEqualTo(
            "2024-05-01 ERROR boom\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)");
    assertThat(out.get(0).lines()).isEqualTo(3);
    assertThat(out.get(0).endOffset())
        .as("offset after the record's last line")
        .isEqualTo(22 + 38 + 20);
    assertThat(joiner.hasPending()).isTrue();
  }

  @Test
  void continuationPatternJoinsIndentedLines() {
    MultilineJoiner joiner =
        new MultilineJoiner(new MultilineConfig(null, "^\\s", Duration.ofSeconds(1), 100), 1 << 20);
    feed(joiner, 0, "first", "  more", "second", "third", "\tmore");
    joiner.flush(out::add);
    assertThat(out)
        .extracting(Joined::text)
        .containsExactly("first\n  more", "second", "third\n\tmore");
  }

  @Test
  void pendingRecordIsEmittedAfterTheFlushTimeout() {
    MultilineJoiner joiner =
        new MultilineJoiner(
            new MultilineConfig("^\\S", null, Duration.ofMillis(500), 100), 1 << 20);
    feed(joiner, 0, "message", " detail");
    joiner.flushIfIdle(Duration.ofMillis(499).toNanos(), out::add);
    assertThat(out).isEmpty();
    joiner.flushIfIdle(Duration.ofMillis(500).toNanos(), out::add);
    assertThat(out).extracting(Joined::text).containsExactly("message\n detail");
  }

  @Test
  void maxLinesAndMaxCharsCutARecord() {
    MultilineJoiner joiner =
        new MultilineJoiner(new MultilineConfig("^\\S", null, Duration.ofSeconds(1), 3), 1 << 20);
    feed(joiner, 0, "m", " 1", " 2", " 3", " 4");
    joiner.flush(out::add);
    assertThat(out).extracting(Joined::lines).containsExactly(3, 2);

    out.clear();
    MultilineJoiner small =
        new MultilineJoiner(new MultilineConfig("^\\S", null, Duration.ofSeconds(1), 100), 10);
    feed(small, 0, "m12345", " 6789", " x");
    small.flush(out::add);
    assertThat(out).extracting(Joined::text).containsExactly("m12345", " 6789\n x");
  }

  @Test
  void exactlyOnePatternMustBeSet() {
    assertThatThrownBy(
            () ->
                new MultilineJoiner(new MultilineConfig(null, null, Duration.ofSeconds(1), 5), 100))
        .hasMessageContaining("logs.multiline");
    assertThatThrownBy(
            () -> new MultilineJoiner(new MultilineConfig("a", "b", Duration.ofSeconds(1), 5), 100))
        .hasMessageContaining("logs.multiline");
    assertThatThrownBy(
            () ->
                new MultilineJoiner(new MultilineConfig("(", null, Duration.ofSeconds(1), 5), 100))
        .hasMessageContaining("logs.multiline.startPattern");
  }
}
