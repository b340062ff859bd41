package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard the chart ships: valid JSON, shipped unchanged in its ConfigMap, and every
 * series it queries is one the code registers and the docs describe (a renamed metric would leave
 * an empty panel). That each query returns data from a real run is checked in the e2e tier against
 * the series a real Prometheus scraped there.
 */
class DashboardTest {
  private static final Pattern METRIC = Pattern.compile("\\boutrigger_[a-z_]+");

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(Repo.chart().resolve("dashboards/outrigger.json").toFile());
  }

  private static Set<String> queriedSeries() throws IOException {
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = METRIC.matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    return queried;
  }

  @Test
  void everyQueriedSeriesIsOneTheCodeRegisters() throws IOException {
    Set<String> exported = MeterCatalogue.seriesNames(MeterCatalogue.meters());

    assertThat(queriedSeries())
        .contains("outrigger_requests_total", "outrigger_request_duration_seconds_bucket")
        .allSatisfy(series -> assertThat(exported).as(series).contains(series));
  }

  @Test
  void everyQueriedMetricIsDocumented() throws IOException {
    String docs = documentation();

    assertThat(queriedSeries())
        .allSatisfy(
            series ->
                assertThat(docs)
                    .as(series)
                    .contains(series.replaceFirst("_(bucket|count|sum)$", "")));
  }

  @Test
  void theConfigMapCarriesTheDashboardUnchanged() throws IOException {
    String shipped =
        (String)
            ((java.util.Map<?, ?>)
                    ChartRender.one(
                            ChartRender.template(
                                "outrigger", "outrigger-system", ValuesSet.DEFAULTS, "1.30.0"),
                            "ConfigMap",
                            "outrigger-dashboard")
                        .getAdditionalProperties()
                        .get("data"))
                .get("outrigger.json");

    assertThat(new ObjectMapper().readTree(shipped)).isEqualTo(dashboard());
  }

  private static String documentation() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(Repo.docs())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".md")).toList()) {
        all.append(Files.readString(file));
      }
    }
    return all.toString();
  }
}
