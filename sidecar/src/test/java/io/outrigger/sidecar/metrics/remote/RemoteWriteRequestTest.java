package io.outrigger.sidecar.metrics.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.MetricType;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written WriteRequest read back with protobuf-java's own wire reader, field by field. */
class RemoteWriteRequestTest {
  @Test
  void encodesTheRemoteWriteSchema() throws Exception {
    MetricFamily family =
        new MetricFamily(
            "orders",
            MetricType.COUNTER,
            null,
            null,
            List.of(
                new Sample(
                    "orders_total",
                    List.of(new Sample.Label("status", "paid"), new Sample.Label("app", "shop")),
                    42.5,
                    null,
                    null),
                new Sample("orders_total", List.of(), -1, 1000L, null)));
    byte[] bytes =
        RemoteWriteRequest.encode(RemoteWriteRequest.series(List.of(family), 1_700_000_000_123L));

    CodedInputStream request = CodedInputStream.newInstance(bytes);
    List<String> decoded = new ArrayList<>();
    while (!request.isAtEnd()) {
      assertThat(request.readTag()).isEqualTo((1 << 3) | 2); // timeseries
      CodedInputStream series = CodedInputStream.newInstance(request.readByteArray());
      StringBuilder text = new StringBuilder();
      while (!series.isAtEnd()) {
        int tag = series.readTag();
        CodedInputStream inner = CodedInputStream.newInstance(series.readByteArray());
        if (tag == ((1 << 3) | 2)) { // label
          assertThat(inner.readTag()).isEqualTo((1 << 3) | 2);
          String name = inner.readString();
          assertThat(inner.readTag()).isEqualTo((2 << 3) | 2);
          text.append(name).append('=').append(inner.readString()).append(' ');
        } else { // sample
          assertThat(tag).isEqualTo((2 << 3) | 2);
          assertThat(inner.readTag()).isEqualTo((1 << 3) | 1);
          double value = inner.readDouble();
          assertThat(inner.readTag()).isEqualTo((2 << 3));
          text.append(value).append('@').append(inner.readInt64());
        }
      }
      decoded.add(text.toString());
    }
    assertThat(decoded)
        .containsExactly(
            "__name__=orders_total app=shop status=paid 42.5@1700000000123",
            "__name__=orders_total -1.0@1000");
  }
}
