package io.outrigger.sidecar.metrics.statsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionWriter;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsdAggregatorTest {
  @Test
  void countersGaugesTimingsAndSetsBecomeSeries() throws Exception {
    StatsdAggregator statsd = new StatsdAggregator(100);
    statsd.accept(
        "orders.placed:1|c|#status:paid,region:eu\norders.placed:2|c|@0.5|#region:eu,status:paid");
    statsd.accept("queue.depth:10|g\nqueue.depth:-3|g\nqueue.depth:+1|g");
    statsd.accept("checkout.latency:250|ms\ncheckout.latency:750|ms|@0.5");
    statsd.accept("users.seen:alice|s\nusers.seen:bob|s\nusers.seen:alice|s");
    String text = render(statsd.families(null));
    assertThat(text)
        .contains("orders_placed_total{region=\"eu\",status=\"paid\"} 5") // 1 + 2 / 0.5
        .contains("queue_depth 8")
        .contains("checkout_latency_seconds_count 3")
        .contains("checkout_latency_seconds_sum 1.75")
        .contains("users_seen 2");
    assertThat(
            ExpositionParser.parse(
                    text.getBytes(StandardCharsets.UTF_8),
                    Format.PROMETHEUS_TEXT,
                    new ExpositionParser.Limits(1000, 1000))
                .seriesCount())
        .as("a valid exposition")
        .isEqualTo(5);
  }

  @Test
  void badLinesAreCountedAndSkippedAndTheSeriesCapHolds() {
    StatsdAggregator statsd = new StatsdAggregator(2);
    statsd.accept("good:1|c\nno-type:1\nbad:abc|c\nweird:1|q\n:1|c\nrate:1|c|@7");
    statsd.accept("second:1|g\nthird:1|g");
    assertThat(statsd.rejected()).isEqualTo(5);
    assertThat(statsd.dropped()).isEqualTo(1);
    assertThat(statsd.families(null)).hasSize(2);
  }

  @Test
  void setMembersCountAgainstTheSeriesCapAndAreKeptAsHashes() {
    StatsdAggregator statsd = new StatsdAggregator(3);
    statsd.accept("users.seen:alice|s\nusers.seen:bob|s\nvisitors:carol|s\nvisitors:dave|s");
    statsd.accept("users.seen:alice|s\nusers.seen:" + "e".repeat(2000) + "|s");
    assertThat(render(statsd.families(null))).contains("users_seen 2").contains("visitors 1");
    assertThat(statsd.droppedMembers())
        .as("dave and the long one: the cap of 3 members is reached")
        .isEqualTo(2);
    assertThat(StatsdAggregator.fnv1a64("alice")).isNotEqualTo(StatsdAggregator.fnv1a64("alicf"));
  }

  @Test
  void tagValuesAreCutToTheLabelValueCapAsScrapedOnesAre() {
    StatsdAggregator statsd = new StatsdAggregator(10, 4);
    statsd.accept("hits:1|c|#path:/checkout/cart");
    assertThat(render(statsd.families(null))).contains("hits_total{path=\"/che\"} 1");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "no colon; no name:value",
        "x:1; no |type",
        "x:1|z; unknown type 'z'",
        "x:1e|c; invalid value '1e'",
        "x:1|c|@0; sample rate must be in (0, 1]",
        "x:1|c|junk; unexpected field 'junk'",
        "1x:1|c; invalid metric name '1x'"
      })
  void linesThatAreNotStatsdAreNamed(String line, String reason) {
    assertThatThrownBy(() -> StatsdLine.parse(line)).hasMessage(reason);
  }

  private static String render(List<MetricFamily> families) {
    StringBuilder out = new StringBuilder();
    ExpositionWriter.write(families, Format.PROMETHEUS_TEXT, out);
    return out.toString();
  }
}
