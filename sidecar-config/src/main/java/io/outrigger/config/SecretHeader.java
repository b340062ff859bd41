package io.outrigger.config;

import java.util.List;

/**
 * An export header whose value lives in a Secret of the pod's namespace, never in the policy or its
 * ConfigMap. The webhook gives the sidecar container an environment variable that the kubelet fills
 * from the Secret ({@code valueFrom.secretKeyRef}), so the operator needs no access to Secrets at
 * all; the sidecar reads the variable. Both ends name it with {@link #envName}.
 *
 * @param header the HTTP header, e.g. {@code Authorization}
 * @param secretName a Secret in the pod's namespace
 * @param secretKey the key of the Secret whose value is the header's value
 */
public record SecretHeader(String header, String secretName, String secretKey) {

  static final String ENV_PREFIX = "OUTRIGGER_TRACING_HEADER_";

  /** The variable of the {@code index}th secret header (0-based, in the policy's order). */
  public static String envName(int index) {
    return ENV_PREFIX + index;
  }

  /** What the kubelet must provide for {@code headers}: one variable per header, in order. */
  public static List<String> envNames(List<SecretHeader> headers) {
    return java.util.stream.IntStream.range(0, headers.size())
        .mapToObj(SecretHeader::envName)
        .toList();
  }
}
