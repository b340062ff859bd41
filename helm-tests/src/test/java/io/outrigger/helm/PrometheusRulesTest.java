package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PrometheusRule: Prometheus's own tool accepts it ({@code promtool check rules}), each
 * alert fires on the series that mean trouble and not on healthy ones ({@code promtool test
 * rules}), and every metric an expression reads is one the code registers ({@link MeterCatalogue})
 * or {@code up}, which Prometheus writes itself for every target. A renamed meter would leave an
 * alert that can never fire; here it fails.
 */
class PrometheusRulesTest {
  /** Series Prometheus itself writes for every scrape target. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "inf",
          "nan");

  private static JsonNode rules() {
    ValuesSet set = ValuesSet.named("prometheus-operator");
    return ChartRender.tree(
            ChartRender.one(
                ChartRender.template(set.release(), set.namespace(), set, "1.30.0"),
                "PrometheusRule",
                null))
        .path("spec");
  }

  private static Map<String, JsonNode> alerts(JsonNode spec) {
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    for (JsonNode group : spec.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.put(rule.path("alert").asText(), rule);
      }
    }
    return alerts;
  }

  /**
   * Metric names in a PromQL expression: what is left after strings, label matchers, ranges, the
   * label lists of by/without/on/ignoring, function calls, keywords and numbers are taken out.
   */
  static Set<String> metricNames(String expr) {
    String text =
        expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(text);
    while (m.find()) {
      String word = m.group().replaceAll("[\\s(]", "");
      boolean call = m.group().endsWith("(");
      if (!call && !PROMQL_WORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  @Test
  void theTokenizerFindsEveryMetricAndNothingElse() {
    assertThat(
            metricNames(
                "sum by (namespace, pod) (rate(outrigger_nope_total{job=\"a\", x=~\"b|c\"}[5m]))"
                    + " / on (pod) group_left outrigger_other > 0 and absent(up{job=\"x\"} == 1)"))
        .containsExactly("outrigger_nope_total", "outrigger_other", "up");
  }

  @Test
  void theCatalogueHoldsWhatTheCodeRegistersUnderItsPrometheusNames() {
    List<MeterCatalogue.Meter> meters = MeterCatalogue.meters();
    Set<String> names = MeterCatalogue.seriesNames(meters);

    assertThat(meters).hasSizeGreaterThan(30);
    assertThat(names)
        .contains(
            "outrigger_requests_total",
            "outrigger_request_duration_seconds_bucket",
            "outrigger_log_read_bytes_total",
            "outrigger_log_lag_bytes",
            "outrigger_log_buffer_capacity_records",
            "outrigger_app_scrape_up",
            "outrigger_app_scrape_series_dropped_total",
            "outrigger_outbound_retries_total",
            "outrigger_pods_missed",
            "outrigger_webhook_admissions_total",
            "outrigger_reconcile_duration_seconds_count")
        .doesNotContain("outrigger_log_read_total", "outrigger_requests");
  }

  @Test
  void everyAlertReadsOnlyMetricsTheCodeRegisters() {
    Set<String> exported = new TreeSet<>(MeterCatalogue.seriesNames(MeterCatalogue.meters()));
    exported.addAll(PROMETHEUS_OWN);
    Map<String, JsonNode> alerts = alerts(rules());

    assertThat(alerts.keySet())
        .containsExactlyInAnyOrder(
            "OutriggerSidecarDown",
            "OutriggerAppScrapeFailing",
            "OutriggerLogsBacklog",
            "OutriggerOperatorDown",
            "OutriggerMissedInjections",
            "OutriggerWebhookErrors");
    alerts.forEach(
        (name, rule) -> {
          Set<String> read = metricNames(rule.path("expr").asText());
          assertThat(read).as(name).isNotEmpty();
          assertThat(exported).as("%s reads %s", name, read).containsAll(read);
        });
  }

  @Test
  void promtoolAcceptsTheRules(@TempDir Path dir) throws Exception {
    Path file = writeRules(dir);
    Result result = promtool("check", "rules", file.toString());

    assertThat(result.code()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 6 rules found");
  }

  /** Each alert on a failing and a healthy target; {@code promtool test rules} checks both. */
  @Test
  void eachAlertFiresOnTroubleAndOnlyThen(@TempDir Path dir) throws Exception {
    Map<String, JsonNode> alerts = alerts(rules());
    writeRules(dir);
    ObjectNode tests = ChartRender.YAML.createObjectNode();
    tests.putArray("rule_files").add("rules.yaml");
    tests.put("evaluation_interval", "1m");
    ArrayNode cases = tests.putArray("tests");

    String sidecar = "job=\"outrigger-sidecar\",namespace=\"shop\"";
    String operator = "job=\"outrigger-operator\",namespace=\"outrigger-system\"";
    test(
        cases,
        alerts.get("OutriggerSidecarDown"),
        Map.of(
            "up{" + sidecar + ",pod=\"a\"}", "0x10",
            "up{" + sidecar + ",pod=\"b\"}", "1x10"),
        "6m",
        Map.of("job", "outrigger-sidecar", "namespace", "shop", "pod", "a"),
        "");
    test(
        cases,
        alerts.get("OutriggerAppScrapeFailing"),
        Map.of(
            "outrigger_app_scrape_up{" + sidecar + ",pod=\"a\"}", "0x15",
            "outrigger_app_scrape_up{" + sidecar + ",pod=\"b\"}", "1x15"),
        "11m",
        Map.of("namespace", "shop", "pod", "a"),
        "");
    test(
        cases,
        alerts.get("OutriggerLogsBacklog"),
        Map.of(
            "outrigger_log_buffer_records{" + sidecar + ",pod=\"a\"}", "950x20",
            "outrigger_log_buffer_capacity_records{" + sidecar + ",pod=\"a\"}", "1000x20",
            "outrigger_log_buffer_records{" + sidecar + ",pod=\"b\"}", "500x20",
            "outrigger_log_buffer_capacity_records{" + sidecar + ",pod=\"b\"}", "1000x20"),
        "16m",
        Map.of("namespace", "shop", "pod", "a"),
        "");
    test(
        cases,
        alerts.get("OutriggerOperatorDown"),
        Map.of("up{" + operator + ",pod=\"op-1\"}", "0x10"),
        "6m",
        // absent() of a comparison keeps no label of the selector.
        Map.of(),
        "");
    test(
        cases,
        alerts.get("OutriggerMissedInjections"),
        Map.of(
            "outrigger_pods_missed{job=\"outrigger-operator\",namespace=\"shop\",policy=\"checkout\"}",
            "2x20",
            "outrigger_pods_missed{job=\"outrigger-operator\",namespace=\"shop\",policy=\"cart\"}",
            "0x20"),
        "16m",
        Map.of("namespace", "shop", "policy", "checkout"),
        "2");
    test(
        cases,
        alerts.get("OutriggerWebhookErrors"),
        Map.of(
            "outrigger_webhook_admissions_total{"
                + operator
                + ",result=\"failed_open\",dry_run=\"false\"}",
            "0+3x15",
            "outrigger_webhook_admissions_total{"
                + operator
                + ",result=\"injected\",dry_run=\"false\"}",
            "0+50x15"),
        "11m",
        Map.of(),
        "");
    // Healthy: the same alerts stay silent when nothing is wrong (a dry-run failure is no outage).
    ObjectNode healthy = cases.addObject();
    healthy.put("interval", "1m");
    ArrayNode series = healthy.putArray("input_series");
    Map.of(
            "up{" + sidecar + ",pod=\"a\"}",
            "1x20",
            "up{" + operator + ",pod=\"op-1\"}",
            "1x20",
            "outrigger_app_scrape_up{" + sidecar + ",pod=\"a\"}",
            "1x20",
            "outrigger_pods_missed{job=\"outrigger-operator\",namespace=\"shop\",policy=\"c\"}",
            "0x20",
            "outrigger_webhook_admissions_total{"
                + operator
                + ",result=\"failed_open\",dry_run=\"true\"}",
            "0+3x20")
        .forEach((s, v) -> series.addObject().put("series", s).put("values", v));
    ArrayNode none = healthy.putArray("alert_rule_test");
    for (String alert : alerts.keySet()) {
      none.addObject().put("eval_time", "19m").put("alertname", alert).putArray("exp_alerts");
    }

    Path file = dir.resolve("tests.yaml");
    ChartRender.YAML.writeValue(file.toFile(), tests);
    Result result = promtool("test", "rules", file.toString());

    assertThat(result.code()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /**
   * One alert: fires at {@code at} with {@code labels}, and is not yet firing one minute before its
   * {@code for} has passed.
   */
  private static void test(
      ArrayNode cases,
      JsonNode rule,
      Map<String, String> series,
      String at,
      Map<String, String> labels,
      String value) {
    ObjectNode test = cases.addObject();
    test.put("interval", "1m");
    ArrayNode input = test.putArray("input_series");
    series.forEach((s, v) -> input.addObject().put("series", s).put("values", v));
    ArrayNode checks = test.putArray("alert_rule_test");
    String alert = rule.path("alert").asText();
    ObjectNode firing = checks.addObject().put("eval_time", at).put("alertname", alert);
    ObjectNode expected = firing.putArray("exp_alerts").addObject();
    ObjectNode expLabels = expected.putObject("exp_labels");
    labels.forEach(expLabels::put);
    rule.path("labels").fields().forEachRemaining(e -> expLabels.set(e.getKey(), e.getValue()));
    ObjectNode annotations = expected.putObject("exp_annotations");
    rule.path("annotations")
        .fields()
        .forEachRemaining(
            e -> annotations.put(e.getKey(), expand(e.getValue().asText(), labels, value)));
    int forMinutes = Integer.parseInt(rule.path("for").asText().replace("m", ""));
    checks
        .addObject()
        .put("eval_time", (forMinutes - 1) + "m")
        .put("alertname", alert)
        .putArray("exp_alerts");
  }

  /** The annotation as Prometheus expands it for these labels and value. */
  private static String expand(String template, Map<String, String> labels, String value) {
    String out = template.replace("{{ $value }}", value);
    for (Map.Entry<String, String> label : labels.entrySet()) {
      out = out.replace("{{ $labels." + label.getKey() + " }}", label.getValue());
    }
    return out;
  }

  private static Path writeRules(Path dir) throws IOException {
    Path file = dir.resolve("rules.yaml");
    ChartRender.YAML.writeValue(file.toFile(), rules());
    return file;
  }

  private record Result(int code, String output) {}

  private static Result promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
