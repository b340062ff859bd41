package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XTracePropagatorTest {
  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier.get(key);
        }
      };

  @ParameterizedTest(name = "trace ''{0}'' span ''{1}'' -> valid={2}")
  @CsvSource({
    "4bf92f3577b34da6a3ce929d0e0e4736, 00f067aa0ba902b7, true",
    "4BF92F3577B34DA6A3CE929D0E0E4736, 00F067AA0BA902B7, true",
    "a3ce929d0e0e4736, 00f067aa0ba902b7, true",
    "not-hex, 00f067aa0ba902b7, false",
    "00000000000000000000000000000000, 00f067aa0ba902b7, false",
    "4bf92f3577b34da6a3ce929d0e0e4736, 0000000000000000, false",
    "4bf92f3577b34da6a3ce929d0e0e4736, short, false"
  })
  void extractsOnlyValidIds(String trace, String span, boolean valid) {
    Context context =
        new XTracePropagator()
            .extract(Context.root(), Map.of("x-trace-id", trace, "x-span-id", span), GETTER);
    SpanContext extracted = Span.fromContext(context).getSpanContext();
    assertThat(extracted.isValid()).isEqualTo(valid);
    if (valid) {
      assertThat(extracted.getTraceId())
          .hasSize(32)
          .endsWith(trace.toLowerCase().substring(trace.length() - 16));
      assertThat(extracted.isRemote()).isTrue();
    }
  }
}
