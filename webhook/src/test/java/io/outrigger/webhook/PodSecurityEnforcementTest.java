package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.webhook.PodSecurityEnforcement.Level;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Namespace labels read as the Pod Security admission plugin reads them ({@code
 * k8s.io/pod-security-admission/api.PolicyToEvaluate}): a value it cannot parse makes the level
 * restricted and the version latest.
 */
class PodSecurityEnforcementTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          no labels: the cluster default                 | -          | -       | PRIVILEGED | latest | true
          privileged                                     | privileged | -       | PRIVILEGED | latest | true
          baseline                                       | baseline   | -       | BASELINE   | latest | false
          restricted pinned                              | restricted | v1.29   | RESTRICTED | v1.29  | false
          baseline at v1.0                               | baseline   | v1.0    | BASELINE   | v1.0   | false
          a level in capitals is not one: restricted     | Baseline   | -       | RESTRICTED | latest | false
          an unknown level: restricted                   | strict     | -       | RESTRICTED | latest | false
          an empty level: restricted                     | ''         | -       | RESTRICTED | latest | false
          latest                                         | baseline   | latest  | BASELINE   | latest | false
          a leading zero is not a version: latest        | baseline   | v1.022  | BASELINE   | latest | false
          a major other than 1 is not a version: latest  | baseline   | v2.0    | BASELINE   | latest | false
          a version without the v: latest                | baseline   | 1.29    | BASELINE   | latest | false
          a version alone keeps the default level        | -          | v1.25   | PRIVILEGED | v1.25  | true
          """)
  void readsTheLabelsAsThePluginDoes(
      String name,
      String level,
      String version,
      Level expectedLevel,
      String expectedVersion,
      boolean admitsIptables) {
    Map<String, String> labels = new HashMap<>();
    if (level != null) {
      labels.put(PodSecurityEnforcement.ENFORCE_LABEL, level);
    }
    if (version != null) {
      labels.put(PodSecurityEnforcement.ENFORCE_VERSION_LABEL, version);
    }
    labels.put("pod-security.kubernetes.io/warn", "restricted"); // only enforce refuses pods
    PodSecurityEnforcement enforcement = PodSecurityEnforcement.of(labels);
    assertThat(enforcement.level()).as(name).isEqualTo(expectedLevel);
    assertThat(enforcement.version()).as(name).isEqualTo(expectedVersion);
    assertThat(enforcement.admitsIptablesInit()).as(name).isEqualTo(admitsIptables);
  }
}
