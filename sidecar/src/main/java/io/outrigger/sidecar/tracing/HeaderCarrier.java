package io.outrigger.sidecar.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;

/** Vert.x header maps as OpenTelemetry propagation carriers (both proxy directions use them). */
public final class HeaderCarrier {
  private HeaderCarrier() {}

  public static final TextMapGetter<MultiMap> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
          return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  public static final TextMapSetter<MultiMap> SETTER =
      (carrier, key, value) -> carrier.set(key, value);
}
