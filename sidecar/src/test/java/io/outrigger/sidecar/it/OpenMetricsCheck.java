package io.outrigger.sidecar.it;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A second, independent reader of OpenMetrics: the Prometheus project's Python client parser
 * (Debian {@code python3-prometheus-client}), which refuses anything the OpenMetrics 1.0 spec does
 * not allow (missing {@code # EOF}, counters without {@code _total}, bad exemplars, interleaved
 * families...). promtool cannot do this: its {@code check metrics} reads only the text format.
 */
final class OpenMetricsCheck {
  // Debian's interpreter by path: a python3 earlier on PATH (pyenv) does not see Debian's modules.
  private static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT =
      """
      import sys
      from prometheus_client.openmetrics.parser import text_string_to_metric_families
      families = list(text_string_to_metric_families(sys.stdin.read()))
      print(sum(len(f.samples) for f in families))
      """;

  private OpenMetricsCheck() {}

  /** The number of samples when the parser accepts the exposition; else its complaint. */
  static Result parse(String exposition) throws Exception {
    Process python = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectErrorStream(true).start();
    python.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    python.getOutputStream().close();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!python.waitFor(60, TimeUnit.SECONDS)) {
      python.destroyForcibly();
      return new Result(false, -1, "parser timed out");
    }
    if (python.exitValue() != 0) {
      return new Result(false, -1, out);
    }
    return new Result(true, Long.parseLong(out.strip()), "");
  }

  record Result(boolean accepted, long samples, String complaint) {}
}
