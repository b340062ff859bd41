package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code tracestate} value read as W3C Trace Context Level 1 §3.3.1 defines it: a list of up to
 * 32 {@code key=value} members, empty members ignored. A list that breaks any rule is invalid as a
 * whole: keeping only some members would put the caller's vendors in positions they did not write
 * (§4.3 leaves dropping the header or only the bad members to the vendor; the W3C test suite
 * expects the header dropped).
 */
final class TraceStateList {
  static final int MAX_MEMBERS = 32;

  private static final String KEY_CHAR = "[a-z0-9_\\-*/]";

  /**
   * {@code simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )}, {@code
   * multi-tenant-key = tenant-id "@" system-id} with {@code tenant-id = ( lcalpha / DIGIT )
   * 0*240(…)} and {@code system-id = lcalpha 0*13(…)}.
   */
  private static final Pattern KEY =
      Pattern.compile(
          "[a-z]"
              + KEY_CHAR
              + "{0,255}|[a-z0-9]"
              + KEY_CHAR
              + "{0,240}@[a-z]"
              + KEY_CHAR
              + "{0,13}");

  /**
   * {@code value = 0*255(chr) nblk-chr}, {@code nblk-chr = %x21-2B / %x2D-3C / %x3E-7E}, {@code chr
   * = %x20 / nblk-chr}: printable ASCII but ',' and '=', not ending in a space.
   */
  private static final Pattern VALUE =
      Pattern.compile(
          "[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]");

  private TraceStateList() {}

  /**
   * The members of {@code combined} (all tracestate fields joined, RFC 9110 §5.3); empty for an
   * empty or absent list, {@link Optional#empty()} when the list is invalid.
   */
  static Optional<TraceState> parse(String combined) {
    if (combined == null) {
      return Optional.of(TraceState.getDefault());
    }
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String member : combined.split(",", -1)) {
      String trimmed = HeaderCarrier.trimOws(member);
      if (trimmed.isEmpty()) {
        continue; // §3.3.1.1: empty and whitespace-only list-members are allowed
      }
      int equals = trimmed.indexOf('=');
      if (equals < 0) {
        return Optional.empty();
      }
      String key = trimmed.substring(0, equals);
      String value = trimmed.substring(equals + 1);
      if (!KEY.matcher(key).matches()
          || !VALUE.matcher(value).matches()
          || !seen.add(key) // §3.3.1.4: only one entry per key
          || keys.size() == MAX_MEMBERS) {
        return Optional.empty();
      }
      keys.add(key);
      values.add(value);
    }
    // The builder puts each new entry first, so the list goes in from its right end.
    TraceStateBuilder builder = TraceState.builder();
    for (int i = keys.size() - 1; i >= 0; i--) {
      builder.put(keys.get(i), values.get(i));
    }
    TraceState state = builder.build();
    // The builder drops entries it considers invalid; a list it would shorten is not passed on.
    return state.size() == keys.size() ? Optional.of(state) : Optional.empty();
  }
}
