package io.outrigger.helm;

import io.outrigger.api.Names;
import io.outrigger.config.Defaults;
import io.outrigger.config.Ports;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.InjectedNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders {@code docs/reference/annotations.md}: every label and annotation in {@link Names} and
 * every port in {@link Ports}, with the values taken from those constants. The descriptions live
 * here, keyed by constant; a constant without one (or a description without a constant) fails the
 * generator, so a new annotation cannot ship undocumented.
 */
final class AnnotationReference {
  private AnnotationReference() {}

  /** Where a name is used, and by whom. */
  enum Where {
    POD_OPT_IN("Opting in (set by you)"),
    POD_OVERRIDE("Per-pod overrides (pod annotations, set by you)"),
    WRITTEN("Written by the webhook (read-only)");

    final String title;

    Where(String title) {
      this.title = title;
    }
  }

  record Entry(Where where, String on, String values, String description) {}

  /** Keyed by the constant's field name in {@link Names}. */
  static final Map<String, Entry> NAMES = new LinkedHashMap<>();

  static {
    NAMES.put(
        "INJECT",
        new Entry(
            Where.POD_OPT_IN,
            "pod label or annotation",
            "`\"true\"`, `\"false\"` (any case)",
            "Opts the pod in or out; beats the namespace label. Prefer the label: the webhook's"
                + " optional objectSelector and the operator's pod informers see labels only."));
    NAMES.put(
        "NAMESPACE_INJECTION",
        new Entry(
            Where.POD_OPT_IN,
            "namespace label",
            "`enabled`, `disabled`",
            "Opts every pod of the namespace in or out, unless the pod says otherwise."));
    NAMES.put(
        "POLICY",
        new Entry(
            Where.POD_OPT_IN,
            "pod annotation",
            "a policy name in the pod's namespace",
            "Uses this policy instead of selector matching; a missing policy means no sidecar."));
    NAMES.put(
        "INBOUND_PORTS",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "comma-separated ports, e.g. `8080,9090`",
            "App ports to intercept, in listener order (replaces the policy's"
                + " `injection.inboundPorts`)."));
    NAMES.put(
        "SKIP_INBOUND_PORTS",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "comma-separated ports",
            "App ports never intercepted (replaces `injection.skipInboundPorts`)."));
    NAMES.put(
        "INTERCEPTION",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "`iptables`, `port`, `none`",
            "How inbound traffic reaches the sidecar (replaces `injection.interception`)."));
    NAMES.put(
        "LOG_PATHS",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "comma-separated globs under the policy's log directory",
            "Files to tail (replaces `logs.paths`; only when the policy tails logs)."));
    NAMES.put(
        "METRICS_PORT",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "a port",
            "Where the app serves its metrics (beats the policy and `prometheus.io/port`)."));
    NAMES.put(
        "METRICS_PATH",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "a path",
            "Path of the app's metrics (beats the policy and `prometheus.io/path`)."));
    NAMES.put(
        "SIDECAR_CPU_REQUEST",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "a quantity, e.g. `100m`",
            "Sidecar CPU request."));
    NAMES.put(
        "SIDECAR_CPU_LIMIT",
        new Entry(Where.POD_OVERRIDE, "pod annotation", "a quantity", "Sidecar CPU limit."));
    NAMES.put(
        "SIDECAR_MEMORY_REQUEST",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "a quantity, e.g. `96Mi`",
            "Sidecar memory request (a request above the policy's limit raises the limit)."));
    NAMES.put(
        "SIDECAR_MEMORY_LIMIT",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "a quantity",
            "Sidecar memory limit; the sidecar sizes its heap from it."));
    NAMES.put(
        "NATIVE_SIDECAR",
        new Entry(
            Where.POD_OVERRIDE,
            "pod annotation",
            "`\"true\"`, `\"false\"`",
            "`\"false\"` forces a classic sidecar container; native needs a 1.29+ API server"
                + " whatever this says."));
    NAMES.put(
        "INJECTED",
        new Entry(
            Where.WRITTEN,
            "pod label",
            "`\"true\"`",
            "The pod has a sidecar; re-admission leaves it unchanged."));
    NAMES.put(
        "POLICY_LABEL",
        new Entry(
            Where.WRITTEN,
            "pod label",
            "the policy's name",
            "The policy the pod was injected from (`kubectl get pods -l"
                + " outrigger.io/policy=checkout`); absent for a name longer than 63 characters."));
    NAMES.put(
        "STATUS",
        new Entry(
            Where.WRITTEN,
            "pod annotation",
            "JSON: `version`, `policy`, `configHash`, `mode`, `interception`",
            "What was injected; the operator compares it with the policy to count outdated"
                + " pods."));
    NAMES.put(
        "SIDECAR_CONFIG",
        new Entry(
            Where.WRITTEN,
            "pod annotation",
            "JSON: the policy's rendered sidecar config",
            "The config the sidecar starts with (read through the downward API); a newer one"
                + " reaches it in the answers to its reports."));
    NAMES.put(
        "REPORT_CA",
        new Entry(
            Where.WRITTEN,
            "pod annotation",
            "PEM",
            "The CA bundle the sidecar trusts for its reports; a rotated one reaches it in the"
                + " answers to its reports."));
  }

  /** Ports, keyed by the constant's field name in {@link Ports}. */
  static final Map<String, String[]> PORTS = new LinkedHashMap<>();

  static {
    PORTS.put(
        "ADMIN",
        new String[] {
          "127.0.0.1", "admin: `/config`, `/status`, `/drain`, `/quitquitquit`, `/loglevel`"
        });
    PORTS.put(
        "OUTBOUND",
        new String[] {"127.0.0.1", "outbound (ambassador) proxy for the app's calls out"});
    PORTS.put(
        "INBOUND_BASE",
        new String[] {
          "pod IP",
          "first inbound listener: the n-th intercepted app port (from 0) is served on this + n, at most "
              + Ports.MAX_INBOUND_LISTENERS
              + " listeners"
        });
    PORTS.put(
        "TELEMETRY",
        new String[] {
          "pod IP",
          "`/metrics` (merged), `/healthz`, `/readyz`, `/app-health/<container>/<livez\\|readyz\\|startupz>`;"
              + " declared on the sidecar container as `"
              + Ports.TELEMETRY_NAME
              + "`, the port name a PodMonitor selects"
        });
  }

  static String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Labels, annotations and ports\n\n")
        .append(
            "<!-- Generated from io.outrigger.api.Names, io.outrigger.config.Ports and the webhook's")
        .append(" constants by `make docs` (helm-tests AnnotationReference); do not edit. -->\n\n")
        .append("Every name below is a constant in the code; the pod's word beats its namespace's,")
        .append(
            " and an invalid override is ignored with a warning (the policy's value applies).\n");
    Map<String, String> constants = constants(Names.class, String.class);
    for (Where where : Where.values()) {
      out.append("\n## ").append(where.title).append("\n\n");
      out.append("| name | on | values | what |\n|---|---|---|---|\n");
      NAMES.forEach(
          (field, entry) -> {
            if (entry.where() == where) {
              out.append("| `")
                  .append(constants.get(field))
                  .append("` | ")
                  .append(entry.on())
                  .append(" | ")
                  .append(entry.values())
                  .append(" | ")
                  .append(entry.description())
                  .append(" |\n");
            }
          });
      if (where == Where.WRITTEN) {
        out.append("| `")
            .append(InjectedNames.originalPrometheusAnnotation("<key>"))
            .append(
                "` | pod annotation | the original value | each `prometheus.io/<key>` the webhook")
            .append(" pointed at the sidecar's merged endpoint, as it was |\n");
      }
    }
    out.append("\n## Never injected\n\n")
        .append("Namespaces: ")
        .append(
            String.join(
                ", ",
                new TreeSet<>(
                        ClusterFacts.of("1", "30", "image", "0", "<operator namespace>")
                            .excludedNamespaces())
                    .stream().map(n -> "`" + n + "`").toList()))
        .append(". Host-network pods, and pods whose app declares one of the sidecar's ports.\n");

    out.append("\n## Sidecar ports\n\n| port | bound to | serves |\n|---|---|---|\n");
    Map<String, String> ports = constants(Ports.class, int.class);
    PORTS.forEach(
        (field, row) ->
            out.append("| ")
                .append(
                    field.equals("INBOUND_BASE")
                        ? ports.get(field)
                            + "–"
                            + (Ports.INBOUND_BASE + Ports.MAX_INBOUND_LISTENERS - 1)
                        : ports.get(field))
                .append(" | ")
                .append(row[0])
                .append(" | ")
                .append(row[1])
                .append(" |\n"));
    out.append("\nThe sidecar runs as UID/GID ")
        .append(Defaults.SIDECAR_UID)
        .append(
            " (the iptables rules exclude its own traffic by this UID). Sidecar reports carry a")
        .append(" projected token with audience `")
        .append(Names.TOKEN_AUDIENCE)
        .append("`. The policy's config is mounted at `")
        .append(Names.CONFIG_MOUNT)
        .append("/")
        .append(Names.CONFIG_KEY)
        .append("`, from the pod's own `")
        .append(Names.SIDECAR_CONFIG)
        .append("` annotation (downward API); the operator writes no object into the pod's")
        .append(" namespace.\n");
    return out.toString();
  }

  /**
   * Public static final fields of {@code type} in {@code holder} (by field name); fails when one is
   * not described here, or a description names no field.
   */
  static Map<String, String> constants(Class<?> holder, Class<?> type) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Field field : holder.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == type) {
        try {
          values.put(field.getName(), String.valueOf(field.get(null)));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    Map<String, ?> described = holder == Names.class ? NAMES : PORTS;
    List<String> problems = new ArrayList<>();
    values.forEach(
        (field, value) -> {
          boolean documented =
              holder == Names.class
                  ? value.startsWith(Names.PREFIX) && !field.equals("PREFIX")
                  : !field.startsWith("MAX_");
          if (documented && !described.containsKey(field)) {
            problems.add(
                holder.getSimpleName() + "." + field + " (" + value + ") has no description");
          }
        });
    described.keySet().stream()
        .filter(field -> !values.containsKey(field))
        .forEach(field -> problems.add(holder.getSimpleName() + "." + field + " does not exist"));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "annotation reference out of step with the code: " + String.join("; ", problems));
    }
    return values;
  }
}
