package io.outrigger.sidecar.metrics.remote;

import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes samples as a Prometheus remote-write 1.0 {@code WriteRequest} in protobuf wire format,
 * written by hand: four small messages do not justify protobuf-java in every pod.
 *
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 *
 * Labels are sorted by name with {@code __name__} first, as the specification requires.
 */
public final class RemoteWriteRequest {
  private RemoteWriteRequest() {}

  /** One series and its sample, ready to encode. */
  public record Series(List<Sample.Label> labels, double value, long timestampMillis) {}

  /** The families' samples as series stamped {@code timestampMillis} (or their own timestamp). */
  public static List<Series> series(List<MetricFamily> families, long timestampMillis) {
    List<Series> all = new ArrayList<>();
    for (MetricFamily family : families) {
      for (Sample sample : family.samples()) {
        List<Sample.Label> labels = new ArrayList<>(sample.labels().size() + 1);
        labels.add(new Sample.Label("__name__", sample.name()));
        sample.labels().stream()
            .sorted(Comparator.comparing(Sample.Label::name))
            .forEach(labels::add);
        long at = sample.timestampMillis() != null ? sample.timestampMillis() : timestampMillis;
        all.add(new Series(List.copyOf(labels), sample.value(), at));
      }
    }
    return all;
  }

  public static byte[] encode(List<Series> series) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(series.size() * 96);
    for (Series s : series) {
      ByteArrayOutputStream timeSeries = new ByteArrayOutputStream(96);
      for (Sample.Label label : s.labels()) {
        ByteArrayOutputStream labelBytes = new ByteArrayOutputStream(32);
        string(labelBytes, 1, label.name());
        string(labelBytes, 2, label.value());
        message(timeSeries, 1, labelBytes.toByteArray());
      }
      ByteArrayOutputStream sample = new ByteArrayOutputStream(16);
      tag(sample, 1, 1);
      fixed64(sample, Double.doubleToRawLongBits(s.value()));
      tag(sample, 2, 0);
      varint(sample, s.timestampMillis());
      message(timeSeries, 2, sample.toByteArray());
      message(out, 1, timeSeries.toByteArray());
    }
    return out.toByteArray();
  }

  private static void string(ByteArrayOutputStream out, int field, String value) {
    message(out, field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void message(ByteArrayOutputStream out, int field, byte[] bytes) {
    tag(out, field, 2);
    varint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, ((long) field << 3) | wireType);
  }

  static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static void fixed64(ByteArrayOutputStream out, long value) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)) & 0xFF);
    }
  }
}
