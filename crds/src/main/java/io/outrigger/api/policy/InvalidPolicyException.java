package io.outrigger.api.policy;

import io.outrigger.api.validation.PolicyValidator;
import io.outrigger.api.validation.Violation;
import java.util.List;

/** Thrown when a policy that fails {@link PolicyValidator} is resolved. */
public final class InvalidPolicyException extends RuntimeException {
  private final List<Violation> violations;

  public InvalidPolicyException(String policy, List<Violation> violations) {
    super("policy " + policy + " is invalid: " + PolicyValidator.describe(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
