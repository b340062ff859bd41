package io.outrigger.sidecar.metrics.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.metrics.exposition.ExpositionGenerator.Case;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Limits;
import io.outrigger.sidecar.metrics.exposition.KnownDifferences.Difference;
import io.outrigger.sidecar.metrics.exposition.KnownDifferences.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Outrigger's exposition parser against the Prometheus project's Python parsers over generated
 * expositions of both formats. The hard rule: no valid exposition is refused. Where the reference
 * parses, Outrigger reads the same families, samples, labels, values, timestamps and exemplars;
 * every other difference is one listed, with the spec's words, in {@link KnownDifferences}.
 *
 * <p>{@code -Doutrigger.differential.seed=<n>|random} and {@code
 * -Doutrigger.differential.count=<n>} change the run; the seed is printed so any run can be
 * repeated.
 */
class ExpositionDifferentialIT {
  private static final long DEFAULT_SEED = 20261127L;
  private static final Limits NO_CAPS = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);
  private static final int EXAMPLES = 3;

  @Test
  void outriggerReadsWhatTheReferenceReadsAndRefusesNoValidExposition() throws Exception {
    String seedProperty =
        System.getProperty("outrigger.differential.seed", Long.toString(DEFAULT_SEED));
    long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
    int count = Integer.getInteger("outrigger.differential.count", 10_000);
    System.out.println(
        "[differential] seed "
            + seed
            + " (-Doutrigger.differential.seed="
            + seed
            + " repeats this run)");
    List<Case> cases = new ExpositionGenerator(seed).generate(count);
    Map<Integer, JsonObject> reference = ReferenceParser.parse(cases);

    Tally tally = new Tally();
    for (Case c : cases) {
      tally.add(c, reference.get(c.id()));
    }
    String report = tally.report(seed);
    System.out.println(report);
    assertThat(cases).hasSizeGreaterThanOrEqualTo(count);
    assertThat(tally.failures).as(report).isEmpty();
  }

  @Test
  void everyListedDifferenceIsInTheDocs() throws Exception {
    // The module's tests run in sidecar/; the docs are the repository's.
    String docs = Files.readString(Path.of("..", "docs", "sidecar-metrics.md"));
    for (Difference d : KnownDifferences.all()) {
      assertThat(docs).as("docs/sidecar-metrics.md lists " + d.key()).contains("`" + d.key() + "`");
    }
  }

  /** The rule a refusal of an exposition the generator broke this way should name. */
  static ExpositionException.Rule expectedRule(String broken) {
    String rule = broken.substring(broken.indexOf('.') + 1);
    String group = rule.substring(0, rule.indexOf('.') < 0 ? rule.length() : rule.indexOf('.'));
    return switch (rule) {
      case "blank_line" -> ExpositionException.Rule.EMPTY_LINE;
      case "help.no_space", "help.trailing_backslash", "unit.no_space", "type.extra_token" ->
          ExpositionException.Rule.METADATA;
      case "metadata.bad_name", "name.invalid" -> ExpositionException.Rule.METRIC_NAME;
      case "sample.cr", "cr", "value.missing", "timestamp.extra" -> ExpositionException.Rule.SAMPLE;
      case "point.interleaved", "timestamp.backwards", "timestamp.mixed" ->
          ExpositionException.Rule.TIMESTAMP_ORDER;
      case "family.interleaved" -> ExpositionException.Rule.INTERLEAVED;
      case "family.clash_total", "family.clash_created" -> ExpositionException.Rule.NAME_CLASH;
      case "help.duplicate", "type.duplicate", "type.after_samples" ->
          ExpositionException.Rule.METADATA_ORDER;
      case "exemplar" -> ExpositionException.Rule.EXEMPLAR;
      default ->
          switch (group) {
            case "eof" -> ExpositionException.Rule.EOF;
            case "comment" -> ExpositionException.Rule.COMMENT;
            case "type" -> ExpositionException.Rule.METADATA;
            case "metadata" -> ExpositionException.Rule.METADATA_ORDER;
            case "label" -> ExpositionException.Rule.LABELS;
            case "sample" -> ExpositionException.Rule.SAMPLE;
            case "value" -> ExpositionException.Rule.VALUE;
            case "timestamp" -> ExpositionException.Rule.TIMESTAMP;
            case "exemplar" -> ExpositionException.Rule.EXEMPLAR;
            case "series" -> ExpositionException.Rule.DUPLICATE_SERIES;
            case "metric" -> ExpositionException.Rule.INTERLEAVED;
            case "unit" -> ExpositionException.Rule.UNIT;
            case "histogram", "gaugehistogram" -> ExpositionException.Rule.HISTOGRAM;
            case "summary" -> ExpositionException.Rule.SUMMARY;
            case "counter" -> ExpositionException.Rule.COUNTER;
            case "stateset" -> ExpositionException.Rule.STATESET;
            case "info" -> ExpositionException.Rule.INFO;
            default -> null;
          };
    };
  }

  /** Outcomes counted by kind, with a few examples of each failure. */
  private static final class Tally {
    final Map<String, Integer> counts = new TreeMap<>();
    final Map<String, Integer> differences = new TreeMap<>();
    final Map<String, List<String>> failures = new LinkedHashMap<>();

    void add(Case c, JsonObject answer) {
      String format = c.format() == Format.OPENMETRICS ? "openmetrics" : "text";
      boolean referenceParses = answer.getBoolean("ok");
      Exposition ours = null;
      String ourError = null;
      ExpositionException.Rule ourRule = null;
      try {
        ours =
            ExpositionParser.parse(c.text().getBytes(StandardCharsets.UTF_8), c.format(), NO_CAPS);
      } catch (ExpositionException e) {
        ourError = e.getMessage() + " [" + e.rule() + "]";
        ourRule = e.rule();
      } catch (RuntimeException e) {
        ourError = "crash: " + e;
        fail("crash", c, answer, ourError);
        return;
      }
      count(format + " generated");
      count(format + (c.valid() ? " valid (by construction)" : " invalid (by construction)"));
      if (referenceParses) {
        count(format + " parsed by the reference");
      }
      if (ours == null) {
        count(format + " refused by Outrigger");
      }
      if (c.valid()) {
        if (ours == null) {
          fail("valid exposition refused", c, answer, ourError);
        } else if (referenceParses) {
          String mismatch = Comparison.mismatch(c, ours, answer.getJsonArray("families"));
          if (mismatch != null) {
            fail("read differently from the reference", c, answer, mismatch);
          } else {
            count(format + " valid, read the same as the reference");
            misreadings(c, ours, answer.getJsonArray("families"));
          }
        } else {
          Difference known = KnownDifferences.explainRefusal(c, answer.getString("error"));
          if (known == null) {
            String error = answer.getString("error");
            count(
                "FAILED: unexplained reference error: "
                    + error.substring(0, Math.min(50, error.length())));
            fail("reference refuses a valid exposition, unexplained", c, answer, null);
          } else {
            differences.merge(known.key(), 1, Integer::sum);
          }
        }
        return;
      }
      Difference known = KnownDifferences.BY_RULE.get(c.broken());
      if (ours != null) {
        if (known != null && known.kind() == Kind.OUTRIGGER_LENIENT) {
          differences.merge(known.key(), 1, Integer::sum);
        } else {
          fail("invalid exposition accepted (" + c.broken() + ")", c, answer, null);
        }
      } else if (referenceParses) {
        if (known != null && known.kind() == Kind.REFERENCE_LENIENT) {
          differences.merge(known.key(), 1, Integer::sum);
        } else {
          fail(
              "reference accepts an invalid exposition, unexplained (" + c.broken() + ")",
              c,
              answer,
              ourError);
        }
      } else {
        count(format + " invalid, refused by both");
      }
      if (ours == null) {
        ExpositionException.Rule expected = expectedRule(c.broken());
        if (expected != null && expected != ourRule) {
          fail(
              "refused for another rule than " + expected + " (" + c.broken() + ")",
              c,
              answer,
              ourError);
        }
      }
    }

    /** The listed misreadings this case shows, counted. */
    private void misreadings(Case c, Exposition ours, JsonArray theirs) {
      if (c.quirks().contains("reference.negative_fraction_timestamp")) {
        differences.merge("reference.negative_fraction_timestamp", 1, Integer::sum);
      }
      int samples = 0;
      for (MetricFamily f : ours.families()) {
        if (c.format() == Format.OPENMETRICS
            && KnownDifferences.asTheReferenceKeepsThem(f).size() != f.samples().size()) {
          differences.merge("reference.repeated_point_dropped", 1, Integer::sum);
          break;
        }
        if (c.format() == Format.PROMETHEUS_TEXT
            && f.type() == MetricType.COUNTER
            && f.samples().stream().anyMatch(s -> !s.name().endsWith("_total"))) {
          differences.merge("reference.text.counter_renamed", 1, Integer::sum);
          break;
        }
        samples += f.samples().size();
      }
      if (c.format() == Format.PROMETHEUS_TEXT && theirs.size() > ours.families().size()) {
        differences.merge("reference.text.untyped_singletons", 1, Integer::sum);
      }
    }

    private void count(String what) {
      counts.merge(what, 1, Integer::sum);
    }

    private void fail(String what, Case c, JsonObject answer, String detail) {
      List<String> examples = failures.computeIfAbsent(what, k -> new ArrayList<>());
      count("FAILED: " + what);
      if (examples.size() < EXAMPLES) {
        examples.add(
            "case "
                + c.id()
                + " ("
                + c.format()
                + (c.valid() ? ", valid" : ", breaks " + c.broken())
                + ")\n--- exposition:\n"
                + c.text()
                + "\n--- reference: "
                + (answer.getBoolean("ok") ? "parses" : answer.getString("error"))
                + (detail == null ? "" : "\n--- outrigger: " + detail));
      }
    }

    String report(long seed) {
      StringBuilder out = new StringBuilder("[differential] seed " + seed + "\n");
      counts.forEach((k, v) -> out.append(String.format("  %-60s %6d%n", k, v)));
      out.append("  deliberate differences seen (KnownDifferences):\n");
      differences.forEach((k, v) -> out.append(String.format("    %-58s %6d%n", k, v)));
      failures.forEach(
          (k, v) -> {
            out.append("FAILED: ").append(k).append('\n');
            v.forEach(e -> out.append(e).append("\n\n"));
          });
      return out.toString();
    }
  }

  /** Outrigger's reading against the reference's, in the reference's shape. */
  static final class Comparison {
    private Comparison() {}

    /** Null when the two read the same; else what differs. */
    static String mismatch(Case c, Exposition ours, JsonArray theirs) {
      List<JsonObject> reference = new ArrayList<>();
      for (int i = 0; i < theirs.size(); i++) {
        reference.add(theirs.getJsonObject(i));
      }
      if (c.format() == Format.PROMETHEUS_TEXT) {
        reference = mergeSingletons(reference);
      }
      List<MetricFamily> families = ours.families();
      if (families.size() != reference.size()) {
        return "families: ours "
            + names(families)
            + ", reference "
            + reference.stream().map(f -> f.getString("name")).toList();
      }
      for (int i = 0; i < families.size(); i++) {
        String m = family(c, families.get(i), reference.get(i));
        if (m != null) {
          return "family " + families.get(i).name() + ": " + m;
        }
      }
      return null;
    }

    private static List<String> names(List<MetricFamily> families) {
      return families.stream().map(MetricFamily::name).toList();
    }

    /**
     * The reference's text parser yields each sample of a family without TYPE or HELP as a family
     * of its own; consecutive ones of one name are one family.
     */
    private static List<JsonObject> mergeSingletons(List<JsonObject> families) {
      List<JsonObject> merged = new ArrayList<>();
      for (JsonObject f : families) {
        JsonObject last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null
            && last.getString("name").equals(f.getString("name"))
            && last.getString("type").equals(f.getString("type"))
            && last.getString("help").equals(f.getString("help"))) {
          last.getJsonArray("samples").addAll(f.getJsonArray("samples"));
        } else {
          merged.add(f.copy());
        }
      }
      return merged;
    }

    private static String family(Case c, MetricFamily ours, JsonObject theirs) {
      String type = ours.type() == MetricType.UNTYPED ? "unknown" : ours.type().word();
      if (!ours.name().equals(theirs.getString("name"))) {
        return "name " + theirs.getString("name");
      }
      if (!type.equals(theirs.getString("type"))) {
        return "type " + type + " vs " + theirs.getString("type");
      }
      if (!Objects.toString(ours.help(), "").equals(theirs.getString("help"))) {
        return "help " + quote(ours.help()) + " vs " + quote(theirs.getString("help"));
      }
      if (!Objects.toString(ours.unit(), "").equals(theirs.getString("unit", ""))) {
        return "unit " + ours.unit() + " vs " + theirs.getString("unit");
      }
      List<Sample> samples =
          c.format() == Format.OPENMETRICS
              ? KnownDifferences.asTheReferenceKeepsThem(ours)
              : ours.samples();
      JsonArray theirSamples = theirs.getJsonArray("samples");
      if (samples.size() != theirSamples.size()) {
        return samples.size() + " samples vs " + theirSamples.size();
      }
      for (int i = 0; i < samples.size(); i++) {
        String m = sample(c, ours, samples.get(i), theirSamples.getJsonObject(i));
        if (m != null) {
          return "sample " + i + " (" + samples.get(i).name() + "): " + m;
        }
      }
      return null;
    }

    private static String sample(Case c, MetricFamily family, Sample ours, JsonObject theirs) {
      String name = ours.name();
      if (c.format() == Format.PROMETHEUS_TEXT
          && family.type() == MetricType.COUNTER
          && !name.endsWith("_total")) {
        name += "_total"; // the reference renames a text counter's samples (KnownDifferences)
      }
      if (!name.equals(theirs.getString("name"))) {
        return "name " + theirs.getString("name");
      }
      Map<String, String> labels = labels(ours.labels());
      if (!labels.equals(stringMap(theirs.getJsonObject("labels")))) {
        return "labels " + labels + " vs " + theirs.getJsonObject("labels");
      }
      if (!sameNumber(ours.value(), theirs.getString("value"))) {
        return "value " + ours.value() + " vs " + theirs.getString("value");
      }
      if (!sameTimestamp(c, ours.timestampMillis(), theirs.getLong("ts"))) {
        return "timestamp " + ours.timestampMillis() + " vs " + theirs.getLong("ts");
      }
      JsonObject exemplar = theirs.getJsonObject("exemplar");
      if ((ours.exemplar() == null) != (exemplar == null)) {
        return "exemplar " + ours.exemplar() + " vs " + exemplar;
      }
      if (exemplar != null) {
        Sample e = exemplarAsSample(ours.exemplar());
        if (!labels(e.labels()).equals(stringMap(exemplar.getJsonObject("labels")))
            || !sameNumber(e.value(), exemplar.getString("value"))
            || !sameTimestamp(c, e.timestampMillis(), exemplar.getLong("ts"))) {
          return "exemplar " + ours.exemplar() + " vs " + exemplar;
        }
      }
      return null;
    }

    /** Our exemplar is kept as written; read it back as a sample of the same labels and value. */
    private static Sample exemplarAsSample(String written) {
      try {
        return ExpositionParser.parse(
                ("e" + written + "\n# EOF\n").getBytes(StandardCharsets.UTF_8),
                Format.OPENMETRICS,
                NO_CAPS)
            .families()
            .get(0)
            .samples()
            .get(0);
      } catch (ExpositionException e) {
        throw new IllegalStateException("exemplar " + written + " does not read back", e);
      }
    }

    private static Map<String, String> labels(List<Sample.Label> labels) {
      Map<String, String> map = new HashMap<>();
      labels.forEach(l -> map.put(l.name(), l.value()));
      return map;
    }

    private static Map<String, String> stringMap(JsonObject json) {
      Map<String, String> map = new HashMap<>();
      json.forEach(e -> map.put(e.getKey(), (String) e.getValue()));
      return map;
    }

    private static boolean sameNumber(double ours, String theirs) {
      double reference =
          switch (theirs) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(theirs);
          };
      return Double.isNaN(ours) ? Double.isNaN(reference) : ours == reference;
    }

    private static boolean sameTimestamp(Case c, Long ours, Long theirs) {
      if (ours == null || theirs == null) {
        return ours == theirs;
      }
      if (c.quirks().contains("reference.negative_fraction_timestamp") && ours == -theirs) {
        return true; // the reference reads -0.5 as +0.5 (KnownDifferences)
      }
      // Both round to milliseconds, from a double (ours) and from exact nanoseconds (theirs).
      return Math.abs(ours - theirs) <= 1;
    }

    private static String quote(String s) {
      return s == null ? "null" : '"' + s.replace("\n", "\\n") + '"';
    }
  }
}
