package io.outrigger.api.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec;
import io.outrigger.config.Defaults;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A policy's sidecar resources over the cluster's defaults (the chart's {@code sidecar.resources},
 * given to the operator as {@code OUTRIGGER_SIDECAR_RESOURCES_*}). The CRD declares no schema
 * default for these fields on purpose: the API server would write the built-in value into every
 * policy that names one field, and the cluster's default could never apply.
 */
public final class SidecarResources {
  private SidecarResources() {}

  /** What the project ships: the defaults when the operator is given none. */
  public static final EffectivePolicy.Resources BUILT_IN =
      new EffectivePolicy.Resources(
          Defaults.SIDECAR_CPU_REQUEST,
          null,
          Defaults.SIDECAR_MEMORY_REQUEST,
          Defaults.SIDECAR_MEMORY_LIMIT);

  /**
   * Each quantity the policy leaves out taken from {@code defaults}. A request above its limit
   * would make the API server refuse every pod, so the value the policy gave wins and the default
   * gives way: a policy request above the default limit raises the limit, a policy limit below the
   * default request lowers the request (the validator already refuses a policy whose own request
   * exceeds its own limit).
   */
  public static EffectivePolicy.Resources resolve(
      SidecarResourcesSpec spec, EffectivePolicy.Resources defaults) {
    SidecarResourcesSpec given = spec == null ? new SidecarResourcesSpec() : spec;
    String[] cpu =
        pair(
            given.getCpuRequest(), given.getCpuLimit(), defaults.cpuRequest(), defaults.cpuLimit());
    String[] memory =
        pair(
            given.getMemoryRequest(),
            given.getMemoryLimit(),
            defaults.memoryRequest(),
            defaults.memoryLimit());
    return new EffectivePolicy.Resources(cpu[0], cpu[1], memory[0], memory[1]);
  }

  /**
   * What is wrong with a set of defaults, for the operator to refuse at start: each value must be a
   * quantity and each request at most its limit.
   */
  public static List<String> problems(EffectivePolicy.Resources defaults) {
    List<String> problems = new ArrayList<>();
    check(problems, "cpu-request", defaults.cpuRequest());
    check(problems, "cpu-limit", defaults.cpuLimit());
    check(problems, "memory-request", defaults.memoryRequest());
    check(problems, "memory-limit", defaults.memoryLimit());
    if (problems.isEmpty()) {
      above(problems, "cpu", defaults.cpuRequest(), defaults.cpuLimit());
      above(problems, "memory", defaults.memoryRequest(), defaults.memoryLimit());
    }
    return problems;
  }

  private static String[] pair(
      String request, String limit, String defaultRequest, String defaultLimit) {
    String r = request != null ? request : defaultRequest;
    String l = limit != null ? limit : defaultLimit;
    if (r != null && l != null && greater(r, l)) {
      if (request != null && limit == null) {
        l = r;
      } else {
        r = l;
      }
    }
    return new String[] {r, l};
  }

  private static void check(List<String> problems, String key, String value) {
    if (value != null && amount(value).isEmpty()) {
      problems.add(key + " '" + value + "' is not a quantity");
    }
  }

  private static void above(List<String> problems, String what, String request, String limit) {
    if (request != null && limit != null && greater(request, limit)) {
      problems.add(what + " request " + request + " is above the " + what + " limit " + limit);
    }
  }

  private static boolean greater(String a, String b) {
    Optional<BigDecimal> x = amount(a);
    Optional<BigDecimal> y = amount(b);
    return x.isPresent() && y.isPresent() && x.get().compareTo(y.get()) > 0;
  }

  private static Optional<BigDecimal> amount(String text) {
    try {
      return Optional.of(Quantity.getAmountInBytes(new Quantity(text)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
