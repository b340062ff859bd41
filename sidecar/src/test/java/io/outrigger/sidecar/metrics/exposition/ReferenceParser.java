package io.outrigger.sidecar.metrics.exposition;

import static org.junit.jupiter.api.Assertions.fail;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus project's Python parsers (Debian {@code python3-prometheus-client}) as an oracle:
 * one Python process reads a whole batch of expositions as JSON lines and answers each ({@code
 * src/test/resources/exposition/reference_parser.py}).
 */
final class ReferenceParser {
  // Debian's interpreter by path: a python3 earlier on PATH (pyenv) does not see Debian's modules.
  private static final String PYTHON = System.getProperty("outrigger.python", "/usr/bin/python3");

  private ReferenceParser() {}

  /** The reference's answer for each case, by case id. */
  static Map<Integer, JsonObject> parse(List<ExpositionGenerator.Case> cases) throws Exception {
    Path script = Files.createTempFile("reference_parser", ".py");
    try (InputStream in =
        ReferenceParser.class.getResourceAsStream("/exposition/reference_parser.py")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      requireModule();
      Process python =
          new ProcessBuilder(PYTHON, script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      // Write on another thread: the answers would fill the pipe before all the questions are in.
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try (Writer out =
                    new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8)) {
                  for (ExpositionGenerator.Case c : cases) {
                    JsonObject request =
                        new JsonObject()
                            .put("id", c.id())
                            .put(
                                "format", c.format() == Format.OPENMETRICS ? "openmetrics" : "text")
                            .put("text", c.text());
                    out.write(request.encode());
                    out.write('\n');
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      Map<Integer, JsonObject> answers = new HashMap<>();
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonObject answer = new JsonObject(line);
          answers.put(answer.getInteger("id"), answer);
        }
      }
      writing.get(5, TimeUnit.MINUTES);
      if (!python.waitFor(1, TimeUnit.MINUTES) || python.exitValue() != 0) {
        fail("the reference parser failed (exit " + python.exitValue() + ")");
      }
      if (answers.size() != cases.size()) {
        fail(
            "the reference parser answered "
                + answers.size()
                + " of "
                + cases.size()
                + " expositions");
      }
      return answers;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** Fails, saying what to install, when the reference is not there: never a silent skip. */
  private static void requireModule() throws Exception {
    Process check;
    try {
      check =
          new ProcessBuilder(
                  PYTHON,
                  "-c",
                  "import prometheus_client.openmetrics.parser, prometheus_client.parser")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      fail(
          PYTHON
              + " is missing: install python3 and python3-prometheus-client (hack/test-deps.sh does)");
      return;
    }
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!check.waitFor(1, TimeUnit.MINUTES) || check.exitValue() != 0) {
      fail(
          "the reference parser (Debian python3-prometheus-client) is missing for "
              + PYTHON
              + ": run hack/test-deps.sh or apt-get install python3-prometheus-client\n"
              + out);
    }
  }
}
