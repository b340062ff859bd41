package io.outrigger.sidecar.metrics.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Limits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrichAndMergeTest {
  private static final Limits LIMITS = new Limits(10_000, 1024);

  @Test
  void targetLabelsWinAndTheAppsOwnValuesBecomeExported() throws Exception {
    Enrichment enrichment =
        new Enrichment(
            Enrichment.targetLabels(
                "shop",
                "checkout-1",
                "node-a",
                "app",
                "checkout",
                Map.of("app.kubernetes.io/version", "1.2", "team", "payments"),
                List.of("app.kubernetes.io/version", "missing")));
    MetricFamily family =
        enrichment.apply(
            parse(
                    Format.PROMETHEUS_TEXT,
                    "# TYPE jobs gauge\njobs{pod=\"worker-7\",exported_pod=\"x\",queue=\"a\"} 3\n")
                .get(0));
    assertThat(family.samples().get(0).labels())
        .extracting(l -> l.name() + "=" + l.value())
        .containsExactly(
            "exported_exported_pod=worker-7",
            "exported_pod=x",
            "queue=a",
            "namespace=shop",
            "pod=checkout-1",
            "node=node-a",
            "container=app",
            "workload=checkout",
            "app_kubernetes_io_version=1.2");
  }

  @Test
  void enrichedFamiliesWriteAsTheirEnrichedSamples() throws Exception {
    Map<String, String> target = new java.util.LinkedHashMap<>();
    target.put("namespace", "shop");
    target.put("pod", "checkout-\"1\"");
    Enrichment enrichment = new Enrichment(target);
    List<MetricFamily> families =
        parse(
                Format.OPENMETRICS,
                """
                # TYPE jobs counter
                jobs_total{queue="a"} 3
                jobs_created{queue="a"} 1.5
                jobs_total 4
                jobs_total{pod="worker-7",queue="b"} 5 # {trace_id="t"} 1
                # EOF
                """)
            .stream()
            .map(enrichment::apply)
            .toList();
    List<MetricFamily> materialised =
        families.stream()
            .map(
                f ->
                    new MetricFamily(
                        f.name(), f.type(), f.help(), f.unit(), List.copyOf(f.samples())))
            .toList();
    for (Format format : Format.values()) {
      StringBuilder fromView = new StringBuilder();
      StringBuilder fromSamples = new StringBuilder();
      ExpositionWriter.write(families, format, fromView);
      ExpositionWriter.write(materialised, format, fromSamples);
      assertThat(fromView.toString()).isEqualTo(fromSamples.toString());
    }
    StringBuilder om = new StringBuilder();
    ExpositionWriter.write(families, Format.OPENMETRICS, om);
    assertThat(om.toString())
        .contains("jobs_total{queue=\"a\",namespace=\"shop\",pod=\"checkout-\\\"1\\\"\"} 3")
        .contains("jobs_total{namespace=\"shop\",pod=\"checkout-\\\"1\\\"\"} 4")
        .contains("jobs_total{exported_pod=\"worker-7\",queue=\"b\",")
        .contains("} 5 # {trace_id=\"t\"} 1");
  }

  @Test
  void textAndOpenMetricsConvertBothWays() throws Exception {
    String text =
        """
        # HELP requests_total Requests.
        # TYPE requests_total counter
        requests_total{code="200"} 7
        # TYPE temperature gauge
        temperature -3.5 1395066363000
        """;
    List<MetricFamily> fromText = parse(Format.PROMETHEUS_TEXT, text);
    StringBuilder om = new StringBuilder();
    ExpositionWriter.write(fromText, Format.OPENMETRICS, om);
    assertThat(om.toString())
        .isEqualTo(
            """
            # HELP requests Requests.
            # TYPE requests counter
            requests_total{code="200"} 7
            # TYPE temperature gauge
            temperature -3.5 1395066363.000
            # EOF
            """);
    List<MetricFamily> back = parse(Format.OPENMETRICS, om.toString());
    assertThat(back).isEqualTo(fromText);
    StringBuilder textAgain = new StringBuilder();
    ExpositionWriter.write(back, Format.PROMETHEUS_TEXT, textAgain);
    assertThat(textAgain.toString()).isEqualTo(text);
  }

  @Test
  void createdSamplesAndExemplarsOnlyGoToOpenMetrics() throws Exception {
    List<MetricFamily> families =
        parse(
            Format.OPENMETRICS,
            "# TYPE c counter\nc_total 1 # {trace_id=\"abc\"} 1\nc_created 1520430000\n# EOF\n");
    StringBuilder text = new StringBuilder();
    ExpositionWriter.write(families, Format.PROMETHEUS_TEXT, text);
    assertThat(text.toString()).isEqualTo("# TYPE c_total counter\nc_total 1\n");
    StringBuilder om = new StringBuilder();
    ExpositionWriter.write(families, Format.OPENMETRICS, om);
    assertThat(om.toString()).contains("c_total 1 # {trace_id=\"abc\"} 1\nc_created 1520430000\n");
  }

  @Test
  void labelValuesAreEscapedOnTheWayOut() throws Exception {
    List<MetricFamily> families = parse(Format.PROMETHEUS_TEXT, "g{path=\"a\\\"b\\\\c\\nd\"} 1\n");
    StringBuilder out = new StringBuilder();
    ExpositionWriter.write(families, Format.PROMETHEUS_TEXT, out);
    assertThat(out.toString()).contains("g{path=\"a\\\"b\\\\c\\nd\"} 1");
    assertThat(parse(Format.PROMETHEUS_TEXT, out.toString())).isEqualTo(families);
  }

  @Test
  void mergingJoinsSameFamiliesKeepsOneCopyOfASeriesAndDropsTypeConflicts() throws Exception {
    List<MetricFamily> own =
        parse(
            Format.PROMETHEUS_TEXT,
            "# TYPE jvm_threads gauge\njvm_threads{container=\"sidecar\"} 20\n# TYPE up gauge\nup 1\n");
    List<MetricFamily> app =
        parse(
            Format.PROMETHEUS_TEXT,
            "# TYPE jvm_threads gauge\njvm_threads{container=\"app\"} 50\n# TYPE up_total counter\nup_total 3\n# TYPE orders gauge\norders 2\n");
    // The app exposing "up" as a counter named up_total: after normalising, the family "up" clashes
    // in type.
    MergedExposition merged = MergedExposition.merge(own, app);
    assertThat(merged.families())
        .extracting(MetricFamily::name)
        .containsExactly("jvm_threads", "up", "orders");
    assertThat(merged.families().get(0).samples()).hasSize(2);
    assertThat(merged.conflicts()).isEqualTo(1);
    MergedExposition twice = MergedExposition.merge(own, own);
    assertThat(twice.duplicates()).isEqualTo(2);
    StringBuilder out = new StringBuilder();
    ExpositionWriter.write(merged.families(), Format.PROMETHEUS_TEXT, out);
    assertThat(parse(Format.PROMETHEUS_TEXT, out.toString()))
        .as("the merged exposition is itself valid")
        .hasSize(3);
  }

  private static List<MetricFamily> parse(Format format, String body) throws ExpositionException {
    return ExpositionParser.parse(body.getBytes(StandardCharsets.UTF_8), format, LIMITS).families();
  }
}
