package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes families as Prometheus text 0.0.4 or OpenMetrics 1.0. Families are kept in the OpenMetrics
 * shape (a counter named {@code x} with samples {@code x_total}); the text format gets {@code
 * x_total} as the family name and no {@code _created} samples, which it does not have.
 */
public final class ExpositionWriter {
  private ExpositionWriter() {}

  public static void write(List<MetricFamily> families, Format format, StringBuilder out) {
    write(families, format, out, Integer.MAX_VALUE, chunk -> {});
  }

  /**
   * Writes in chunks: whenever {@code out} holds {@code chunkChars} or more, it is handed to {@code
   * flush} and emptied, so a 100k-series exposition never sits in one large array.
   */
  public static void write(
      List<MetricFamily> families,
      Format format,
      StringBuilder out,
      int chunkChars,
      Consumer<StringBuilder> flush) {
    for (MetricFamily family : families) {
      if (family.samples().isEmpty()) {
        continue;
      }
      boolean text = format == Format.PROMETHEUS_TEXT;
      String name =
          text && family.type() == MetricType.COUNTER && !family.name().endsWith("_total")
              ? family.name() + "_total"
              : family.name();
      if (family.help() != null) {
        out.append("# HELP ")
            .append(name)
            .append(' ')
            .append(escapeHelp(family.help(), format))
            .append('\n');
      }
      out.append("# TYPE ")
          .append(name)
          .append(' ')
          .append(typeWord(family.type(), format))
          .append('\n');
      if (!text && family.unit() != null && !family.unit().isEmpty()) {
        out.append("# UNIT ").append(name).append(' ').append(family.unit()).append('\n');
      }
      List<Sample> samples = family.samples();
      // Enriched samples are written from the app's sample and the target labels' text.
      Enrichment.Enriched enriched = samples instanceof Enrichment.Enriched e ? e : null;
      String targetText = enriched != null ? enriched.enrichment.targetLabelsText() : null;
      List<Sample> source = enriched != null && targetText != null ? enriched.raw : samples;
      for (int i = 0, n = source.size(); i < n; i++) {
        Sample sample = source.get(i);
        if (text && sample.name().endsWith("_created")) {
          continue;
        }
        if (source != samples && enriched.enrichment.collides(sample.labels())) {
          writeSample(enriched.get(i), format, out, null);
        } else {
          writeSample(sample, format, out, source != samples ? targetText : null);
        }
        if (out.length() >= chunkChars) {
          flush.accept(out);
          out.setLength(0);
        }
      }
    }
    if (format == Format.OPENMETRICS) {
      out.append("# EOF\n");
    }
  }

  /**
   * @param moreLabels labels already written as text, to follow the sample's own; null for none
   */
  private static void writeSample(
      Sample sample, Format format, StringBuilder out, String moreLabels) {
    out.append(sample.name());
    List<Sample.Label> labels = sample.labels();
    int n = labels.size();
    if (n > 0 || moreLabels != null) {
      out.append('{');
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          out.append(',');
        }
        appendLabel(labels.get(i), out);
      }
      if (moreLabels != null) {
        if (n > 0) {
          out.append(',');
        }
        out.append(moreLabels);
      }
      out.append('}');
    }
    out.append(' ');
    appendNumber(sample.value(), out);
    if (sample.timestampMillis() != null) {
      out.append(' ');
      if (format == Format.OPENMETRICS) {
        out.append(sample.timestampMillis() / 1000)
            .append('.')
            .append(String.format("%03d", Math.floorMod(sample.timestampMillis(), 1000)));
      } else {
        out.append(sample.timestampMillis());
      }
    }
    if (format == Format.OPENMETRICS && sample.exemplar() != null) {
      out.append(" # ").append(sample.exemplar());
    }
    out.append('\n');
  }

  static void appendLabel(Sample.Label label, StringBuilder out) {
    out.append(label.name()).append("=\"").append(escapeLabel(label.value())).append('"');
  }

  /** As {@link #number}, appended without an intermediate String for whole numbers. */
  private static void appendNumber(double value, StringBuilder out) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(number(value, null));
    }
  }

  static String number(double value, Format format) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static String typeWord(MetricType type, Format format) {
    if (format == Format.PROMETHEUS_TEXT) {
      return switch (type) {
        case COUNTER, GAUGE, HISTOGRAM, SUMMARY -> type.word();
        default -> "untyped";
      };
    }
    return type == MetricType.UNTYPED ? "unknown" : type.word();
  }

  private static String escapeLabel(String value) {
    if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
      return value;
    }
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String help, Format format) {
    String escaped = help.replace("\\", "\\\\").replace("\n", "\\n");
    return format == Format.OPENMETRICS ? escaped.replace("\"", "\\\"") : escaped;
  }
}
