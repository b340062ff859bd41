package io.outrigger.sidecar.metrics.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus families as OpenTelemetry metric data, following the OpenTelemetry spec's Prometheus
 * compatibility rules: counters become monotonic cumulative sums, gauges and untyped become gauges,
 * histograms keep their bounds (cumulative bucket counts turned into per-bucket counts), summaries
 * keep their quantiles. Labels become attributes. The SDK's own OTLP exporter then encodes and
 * sends them.
 */
public final class OtlpMetricsMapper {
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.create("io.outrigger.sidecar.metrics");

  private OtlpMetricsMapper() {}

  public static List<MetricData> map(
      List<MetricFamily> families, Resource resource, long startNanos, long nowNanos) {
    List<MetricData> data = new ArrayList<>();
    for (MetricFamily family : families) {
      String help = family.help() == null ? "" : family.help();
      String unit = family.unit() == null ? "" : family.unit();
      switch (family.type()) {
        case COUNTER -> {
          List<DoublePointData> points = new ArrayList<>();
          for (Sample s : family.samples()) {
            if (!s.name().endsWith("_created")) {
              points.add(
                  ImmutableDoublePointData.create(
                      startNanos, nowNanos, attributes(s, null), s.value()));
            }
          }
          data.add(
              ImmutableMetricData.createDoubleSum(
                  resource,
                  SCOPE,
                  family.name(),
                  help,
                  unit,
                  ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points)));
        }
        case HISTOGRAM ->
            data.add(
                ImmutableMetricData.createDoubleHistogram(
                    resource,
                    SCOPE,
                    family.name(),
                    help,
                    unit,
                    ImmutableHistogramData.create(
                        AggregationTemporality.CUMULATIVE,
                        histogram(family, startNanos, nowNanos))));
        case SUMMARY ->
            data.add(
                ImmutableMetricData.createDoubleSummary(
                    resource,
                    SCOPE,
                    family.name(),
                    help,
                    unit,
                    ImmutableSummaryData.create(summary(family, startNanos, nowNanos))));
        default -> {
          List<DoublePointData> points = new ArrayList<>();
          for (Sample s : family.samples()) {
            points.add(
                ImmutableDoublePointData.create(
                    startNanos, nowNanos, attributes(s, null), s.value()));
          }
          data.add(
              ImmutableMetricData.createDoubleGauge(
                  resource, SCOPE, family.name(), help, unit, ImmutableGaugeData.create(points)));
        }
      }
    }
    return data;
  }

  private static List<HistogramPointData> histogram(MetricFamily family, long start, long now) {
    Map<Attributes, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
    Map<Attributes, Double> sums = new LinkedHashMap<>();
    Map<Attributes, Double> counts = new LinkedHashMap<>();
    for (Sample s : family.samples()) {
      Attributes key = attributes(s, "le");
      if (s.name().endsWith("_bucket")) {
        buckets.computeIfAbsent(key, k -> new TreeMap<>()).put(bound(s.label("le")), s.value());
      } else if (s.name().endsWith("_sum")) {
        sums.put(key, s.value());
      } else if (s.name().endsWith("_count")) {
        counts.put(key, s.value());
      }
    }
    List<HistogramPointData> points = new ArrayList<>();
    buckets.forEach(
        (attributes, cumulative) -> {
          List<Double> bounds = new ArrayList<>();
          List<Long> perBucket = new ArrayList<>();
          double previous = 0;
          for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (!bucket.getKey().isInfinite()) {
              bounds.add(bucket.getKey());
            }
            perBucket.add(Math.max(0, Math.round(bucket.getValue() - previous)));
            previous = bucket.getValue();
          }
          if (!cumulative.lastKey().isInfinite()) {
            perBucket.add(0L); // no +Inf bucket given: nothing above the last bound
          }
          points.add(
              ImmutableHistogramPointData.create(
                  start,
                  now,
                  attributes,
                  sums.getOrDefault(attributes, 0.0),
                  false,
                  0,
                  false,
                  0,
                  bounds,
                  perBucket));
        });
    return points;
  }

  private static List<SummaryPointData> summary(MetricFamily family, long start, long now) {
    Map<Attributes, List<ValueAtQuantile>> quantiles = new LinkedHashMap<>();
    Map<Attributes, Double> sums = new LinkedHashMap<>();
    Map<Attributes, Double> counts = new LinkedHashMap<>();
    for (Sample s : family.samples()) {
      Attributes key = attributes(s, "quantile");
      if (s.name().endsWith("_sum")) {
        sums.put(key, s.value());
      } else if (s.name().endsWith("_count")) {
        counts.put(key, s.value());
      } else if (s.label("quantile") != null) {
        quantiles
            .computeIfAbsent(key, k -> new ArrayList<>())
            .add(ImmutableValueAtQuantile.create(bound(s.label("quantile")), s.value()));
      }
    }
    List<SummaryPointData> points = new ArrayList<>();
    counts.forEach(
        (attributes, count) ->
            points.add(
                ImmutableSummaryPointData.create(
                    start,
                    now,
                    attributes,
                    Math.round(count),
                    sums.getOrDefault(attributes, 0.0),
                    quantiles.getOrDefault(attributes, List.of()))));
    return points;
  }

  private static double bound(String text) {
    if (text == null) {
      return Double.NaN;
    }
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static Attributes attributes(Sample sample, String without) {
    AttributesBuilder builder = Attributes.builder();
    for (Sample.Label label : sample.labels()) {
      if (!label.name().equals(without)) {
        builder.put(label.name(), label.value());
      }
    }
    return builder.build();
  }
}
