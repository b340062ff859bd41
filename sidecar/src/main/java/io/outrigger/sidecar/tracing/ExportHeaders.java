package io.outrigger.sidecar.tracing;

import io.outrigger.config.SecretHeader;
import io.outrigger.config.SidecarConfig.TraceExporterConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The headers an export sends: the policy's plain ones, then those the kubelet put in the
 * environment from Secrets ({@link SecretHeader}).
 *
 * @param missing one line per secret header whose variable is not set: the Secret or its key is
 *     missing (the webhook makes the variable optional so the pod still starts), or the pod was
 *     injected before the policy named it
 */
record ExportHeaders(Map<String, String> headers, List<String> missing) {

  static ExportHeaders of(TraceExporterConfig config, Function<String, String> env) {
    Map<String, String> headers = new LinkedHashMap<>(config.headers());
    List<String> missing = new ArrayList<>();
    List<SecretHeader> secret = config.secretHeaders();
    for (int i = 0; i < secret.size(); i++) {
      SecretHeader h = secret.get(i);
      String value = env.apply(SecretHeader.envName(i));
      if (value == null || value.isEmpty()) {
        missing.add(
            "header "
                + h.header()
                + " is not sent: "
                + SecretHeader.envName(i)
                + " (secret "
                + h.secretName()
                + ", key "
                + h.secretKey()
                + ") is not set; create the Secret, or restart the pod if it was injected before"
                + " the policy named the header");
      } else {
        headers.put(h.header(), value.strip());
      }
    }
    return new ExportHeaders(Map.copyOf(headers), List.copyOf(missing));
  }
}
