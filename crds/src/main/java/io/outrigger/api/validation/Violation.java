package io.outrigger.api.validation;

/** One thing wrong with a policy: the field's path (as kubectl would show it) and what to fix. */
public record Violation(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
