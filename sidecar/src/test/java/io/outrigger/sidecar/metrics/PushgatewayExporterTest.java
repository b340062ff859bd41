package io.outrigger.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.MetricType;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushgatewayExporterTest {
  @Test
  void theGroupingKeyBecomesThePathWithValuesEncoded() {
    Map<String, String> key = new LinkedHashMap<>();
    key.put("job", "check out");
    key.put("namespace", "shop");
    key.put("pod", "a/b");
    key.put("pod_uid", "");
    assertThat(PushgatewayExporter.groupUrl("http://pg:9091/", key))
        .isEqualTo(
            "http://pg:9091/metrics/job/check%20out/namespace/shop/pod/a%2Fb/pod_uid@base64/=");
  }

  @Test
  void pushedBodiesCarryNoTimestamps() {
    MetricFamily family =
        new MetricFamily(
            "temperature",
            MetricType.GAUGE,
            "Degrees.",
            null,
            List.of(new Sample("temperature", List.of(), 21.5, 1700000000000L, null)));
    assertThat(PushgatewayExporter.body(List.of(family)))
        .isEqualTo("# HELP temperature Degrees.\n# TYPE temperature gauge\ntemperature 21.5\n");
  }
}
