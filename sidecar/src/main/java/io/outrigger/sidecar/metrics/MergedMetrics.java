package io.outrigger.sidecar.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.ExpositionException;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionWriter;
import io.outrigger.sidecar.metrics.exposition.MergedExposition;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything this pod exposes, as one exposition: the sidecar's own meters (labelled with the pod's
 * identity and the sidecar's container name) merged with the app's enriched series from the latest
 * scrape. What 15020/metrics serves and what the exporters push.
 */
public final class MergedMetrics {
  static final String OPENMETRICS_TYPE =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Supplier<List<MetricFamily>> app;
  private volatile Enrichment own;

  /**
   * @param own labels for the sidecar's own series; null leaves them as Micrometer writes them
   */
  public MergedMetrics(
      PrometheusMeterRegistry registry, Supplier<List<MetricFamily>> app, Enrichment own) {
    this.registry = registry;
    this.app = app;
    this.own = own;
  }

  /** The labels for the sidecar's own series from now on. */
  public void ownLabels(Enrichment labels) {
    this.own = labels;
  }

  /** Only the sidecar's own meters, unlabelled (tests of single components). */
  public static MergedMetrics ownOnly(PrometheusMeterRegistry registry) {
    return new MergedMetrics(registry, List::of, null);
  }

  public List<MetricFamily> families() throws ExpositionException {
    byte[] exposition = registry.scrape(OPENMETRICS_TYPE).getBytes(StandardCharsets.UTF_8);
    List<MetricFamily> ownFamilies =
        ExpositionParser.parse(
                exposition,
                Format.OPENMETRICS,
                new ExpositionParser.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE))
            .families();
    Enrichment labels = own;
    if (labels != null) {
      ownFamilies = ownFamilies.stream().map(labels::apply).toList();
    }
    return MergedExposition.merge(ownFamilies, app.get()).families();
  }

  /**
   * Renders in chunks of about {@code chunkChars} characters, handed to {@code chunks} as UTF-8;
   * fails before the first chunk when the exposition cannot be built.
   */
  public void render(Format format, int chunkChars, java.util.function.Consumer<byte[]> chunks)
      throws ExpositionException {
    if (own == null && app.get().isEmpty()) {
      chunks.accept(
          registry
              .scrape(format == Format.OPENMETRICS ? OPENMETRICS_TYPE : TEXT_TYPE)
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    List<MetricFamily> families = families();
    StringBuilder out = new StringBuilder(chunkChars + 1024);
    ExpositionWriter.write(families, format, out, chunkChars, chunk -> chunks.accept(utf8(chunk)));
    if (!out.isEmpty()) {
      chunks.accept(utf8(out));
    }
  }

  /** The chunk's UTF-8 bytes in one copy when it is ASCII, as it nearly always is. */
  static byte[] utf8(StringBuilder chunk) {
    int n = chunk.length();
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = chunk.charAt(i);
      if (c >= 0x80) {
        return chunk.toString().getBytes(StandardCharsets.UTF_8);
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  public String render(Format format) throws ExpositionException {
    if (own == null && app.get().isEmpty()) {
      return registry.scrape(format == Format.OPENMETRICS ? OPENMETRICS_TYPE : TEXT_TYPE);
    }
    StringBuilder out = new StringBuilder(64 * 1024);
    ExpositionWriter.write(families(), format, out);
    return out.toString();
  }
}
