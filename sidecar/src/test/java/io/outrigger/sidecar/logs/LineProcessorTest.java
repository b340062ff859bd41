package io.outrigger.sidecar.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.LogFormat;
import io.outrigger.config.SidecarConfig.ParserConfig;
import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import io.outrigger.sidecar.logs.parse.LineParser;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A line to its packed record: parsed fields, trace ids, then the pod's attributes and path. */
class LineProcessorTest {
  private static final Instant READ = Instant.parse("2026-11-27T08:00:00Z");

  private final LineProcessor processor =
      new LineProcessor(
          LineParser.from(new ParserConfig(LogFormat.JSON, null, null, null, null)),
          new TraceContextExtractor(TraceCorrelationConfig.defaults()),
          new LogEnrichment(Map.of("k8s.pod.name", "app-0", "k8s.namespace.name", "shop")));

  @Test
  void enrichmentAndPathWinOverParsedFieldsOfTheSameName() {
    String line =
        "{\"level\":\"info\",\"msg\":\"hi\",\"k8s.pod.name\":\"spoofed\",\"log.file.path\":\"x\","
            + "\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\","
            + "\"n\":3}";

    LineProcessor.Result result =
        processor.process(line, "/logs/app.log", READ, new RecordPacker());

    assertThat(result.parsed()).isTrue();
    assertThat(result.record().unpack())
        .isEqualTo(
            new LogRecord(
                READ,
                "info",
                "hi",
                Map.of(
                    "k8s.pod.name",
                    "app-0",
                    "k8s.namespace.name",
                    "shop",
                    LineProcessor.FILE_PATH,
                    "/logs/app.log",
                    "n",
                    3L),
                "4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7"));
  }

  @Test
  void aLineThatIsNotJsonIsKeptWholeAsTheBody() {
    LineProcessor.Result result =
        processor.process("not json", "/logs/app.log", READ, new RecordPacker());

    assertThat(result.parsed()).isFalse();
    LogRecord record = result.record().unpack();
    assertThat(record.body()).isEqualTo("not json");
    assertThat(record.attributes())
        .containsOnlyKeys("k8s.pod.name", "k8s.namespace.name", LineProcessor.FILE_PATH);
  }
}
