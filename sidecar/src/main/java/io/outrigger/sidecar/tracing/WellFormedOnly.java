package io.outrigger.sidecar.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * An OpenTelemetry propagator that sees only the headers of its format that are well-formed (its
 * extractor is lenient with some malformed fields), and whose {@link #fields()} name every header
 * of the format, so the sidecar clears the caller's before it writes its own.
 */
final class WellFormedOnly implements TextMapPropagator {
  /** The headers to hide from the extractor, given how to read one. */
  interface Check {
    Set<String> malformed(UnaryOperator<String> header);
  }

  private final TextMapPropagator delegate;
  private final List<String> fields;
  private final Check check;

  WellFormedOnly(TextMapPropagator delegate, List<String> fields, Check check) {
    this.delegate = delegate;
    this.fields = List.copyOf(fields);
    this.check = check;
  }

  @Override
  public Collection<String> fields() {
    return fields;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    delegate.inject(context, carrier, setter);
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (getter == null) {
      return delegate.extract(context, carrier, null);
    }
    Set<String> malformed = check.malformed(name -> getter.get(carrier, name));
    return delegate.extract(
        context, carrier, malformed.isEmpty() ? getter : hiding(getter, malformed));
  }

  /** {@code getter} with the {@code malformed} headers read as absent. */
  private static <C> TextMapGetter<C> hiding(TextMapGetter<C> getter, Set<String> malformed) {
    Set<String> hidden = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    hidden.addAll(malformed);
    return new TextMapGetter<>() {
      @Override
      @SuppressWarnings("deprecation") // delegated as is
      public Iterable<String> keys(C carrier) {
        return getter.keys(carrier);
      }

      @Override
      public String get(C carrier, String key) {
        return hidden.contains(key) ? null : getter.get(carrier, key);
      }

      @Override
      public Iterator<String> getAll(C carrier, String key) {
        return hidden.contains(key) ? Collections.emptyIterator() : getter.getAll(carrier, key);
      }
    };
  }

  @Override
  public String toString() {
    return "WellFormedOnly{" + delegate + "}";
  }
}
