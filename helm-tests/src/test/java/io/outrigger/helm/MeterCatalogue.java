package io.outrigger.helm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series names the sidecar and the operator really export, taken from their code:
 * every Micrometer meter registered in {@code sidecar/src/main} and {@code operator/src/main} (its
 * type, name and base unit, read from the builder call), registered again in a real {@link
 * PrometheusMeterRegistry} and scraped, so the names are what Micrometer's own naming makes of them
 * ({@code outrigger.log.read} with unit bytes is {@code outrigger_log_read_bytes_total}).
 */
final class MeterCatalogue {
  private MeterCatalogue() {}

  /** A meter as registered in the code. */
  record Meter(String type, String name, String baseUnit, boolean histogram, Path where) {}

  private static final Pattern BUILDER =
      Pattern.compile(
          "\\b(Counter|FunctionCounter|Gauge|MultiGauge|Timer)\\.builder\\(\\s*\"(outrigger\\.[a-z0-9.]+)\"");
  private static final Pattern REGISTRY_CALL =
      Pattern.compile("\\bregistry\\.(counter|gauge|timer)\\(\\s*\"(outrigger\\.[a-z0-9.]+)\"");

  /** {@code Counter.builder(name)}: a helper that builds whatever name its callers pass. */
  private static final Pattern HELPER_BUILDER =
      Pattern.compile("\\b(Counter|Gauge|Timer)\\.builder\\(name\\)");

  private static final Pattern HELPER_CALL =
      Pattern.compile("\\b([a-z]\\w*)\\(\\s*\"(outrigger\\.[a-z0-9.]+)\"");
  private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"(\\w+)\"\\s*\\)");

  /** Every meter the code registers. */
  static List<Meter> meters() {
    List<Meter> meters = new ArrayList<>();
    for (String module : List.of("sidecar", "operator")) {
      try (Stream<Path> files = Files.walk(Repo.root().resolve(module + "/src/main/java"))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          meters.addAll(meters(file, Files.readString(file)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return meters;
  }

  static List<Meter> meters(Path file, String source) {
    List<Meter> found = new ArrayList<>();
    Matcher builder = BUILDER.matcher(source);
    while (builder.find()) {
      String chain = chain(source, builder.end());
      Matcher unit = BASE_UNIT.matcher(chain);
      found.add(
          new Meter(
              builder.group(1),
              builder.group(2),
              unit.find() ? unit.group(1) : null,
              chain.contains("serviceLevelObjectives")
                  || chain.contains("publishPercentileHistogram"),
              file));
    }
    Matcher call = REGISTRY_CALL.matcher(source);
    while (call.find()) {
      String type = call.group(1);
      found.add(
          new Meter(
              Character.toUpperCase(type.charAt(0)) + type.substring(1),
              call.group(2),
              null,
              false,
              file));
    }
    Matcher helper = HELPER_BUILDER.matcher(source);
    if (helper.find()) {
      String type = helper.group(1);
      Matcher calls = HELPER_CALL.matcher(source);
      while (calls.find()) {
        // Direct registrations are found above; anything else passing a meter name is the helper.
        if (!Set.of("builder", "counter", "gauge", "timer").contains(calls.group(1))) {
          found.add(new Meter(type, calls.group(2), null, false, file));
        }
      }
    }
    return found;
  }

  /** The builder call up to its {@code register(}: where its base unit and buckets are set. */
  private static String chain(String source, int from) {
    int end = source.indexOf(".register(", from);
    return end < 0 ? "" : source.substring(from, end);
  }

  /** The names of every sample the meters expose, as a real Prometheus registry writes them. */
  static Set<String> seriesNames(List<Meter> meters) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Tags tags = Tags.of("t", "v");
    for (Meter meter : meters) {
      switch (meter.type()) {
        case "Counter" ->
            Counter.builder(meter.name()).baseUnit(meter.baseUnit()).tags(tags).register(registry);
        case "FunctionCounter" ->
            FunctionCounter.builder(meter.name(), meter, m -> 1)
                .baseUnit(meter.baseUnit())
                .tags(tags)
                .register(registry);
        case "Gauge" ->
            Gauge.builder(meter.name(), () -> 1)
                .baseUnit(meter.baseUnit())
                .tags(tags)
                .register(registry);
        case "MultiGauge" ->
            MultiGauge.builder(meter.name())
                .baseUnit(meter.baseUnit())
                .register(registry)
                .register(List.of(MultiGauge.Row.of(tags, 1)));
        case "Timer" -> {
          Timer.Builder timer = Timer.builder(meter.name()).tags(tags);
          if (meter.histogram()) {
            timer.serviceLevelObjectives(Duration.ofMillis(100));
          }
          timer.register(registry).record(Duration.ofMillis(1));
        }
        default -> throw new IllegalStateException("unknown meter type " + meter);
      }
    }
    Set<String> names = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.substring(0, line.indexOf(line.contains("{") ? '{' : ' ')));
      }
    }
    return names;
  }
}
