package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.LogOutputsSpec;
import io.outrigger.api.v1alpha1.spec.LogsSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.config.InterceptionMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodOverridesTest {

  @Test
  void validAnnotationsAreParsed() {
    PodOverrides o =
        PodOverrides.parse(
            Map.of(
                "outrigger.io/inbound-ports", " 8080, 9090 ,8080",
                "outrigger.io/skip-inbound-ports", "9090",
                "outrigger.io/interception", "port",
                "outrigger.io/log-paths", "/var/log/app/a.log,/var/log/app/*.json",
                "outrigger.io/metrics-port", "9100",
                "outrigger.io/metrics-path", "/stats",
                "outrigger.io/sidecar-cpu-request", "100m",
                "outrigger.io/sidecar-memory-limit", "1Gi",
                "outrigger.io/native-sidecar", "False"));
    assertThat(o.problems()).isEmpty();
    assertThat(o.inboundPorts()).containsExactly(8080, 9090);
    assertThat(o.skipInboundPorts()).containsExactly(9090);
    assertThat(o.interception()).isEqualTo(InterceptionMode.PORT);
    assertThat(o.logPaths()).containsExactly("/var/log/app/a.log", "/var/log/app/*.json");
    assertThat(o.metricsPort()).isEqualTo(9100);
    assertThat(o.metricsPath()).isEqualTo("/stats");
    assertThat(o.cpuRequest()).isEqualTo("100m");
    assertThat(o.memoryLimit()).isEqualTo("1Gi");
    assertThat(o.nativeSidecar()).isFalse();
  }

  @Test
  void noAnnotationsOverrideNothing() {
    PodOverrides o = PodOverrides.parse(null);
    assertThat(o.problems()).isEmpty();
    assertThat(o.inboundPorts()).isNull();
    assertThat(o.interception()).isNull();
    assertThat(o.nativeSidecar()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          port that is a word         | outrigger.io/inbound-ports        | http,8080 | is not a port
          port out of range           | outrigger.io/skip-inbound-ports   | 70000     | is not a port
          sidecar's own port          | outrigger.io/inbound-ports        | 15006     | reserved by the sidecar
          unknown interception        | outrigger.io/interception         | magic     | is not iptables, port or none
          relative log path           | outrigger.io/log-paths            | app.log   | is not an absolute path
          log path climbing out       | outrigger.io/log-paths            | /var/log/app/../../etc/passwd | is not an absolute path
          metrics port of the sidecar | outrigger.io/metrics-port         | 15020     | is not an app port
          metrics path without slash  | outrigger.io/metrics-path         | metrics   | does not start with /
          quantity that is a word     | outrigger.io/sidecar-cpu-limit    | lots      | is not a quantity
          native sidecar maybe        | outrigger.io/native-sidecar       | maybe     | is not true or false
          """)
  void invalidAnnotationsAreIgnoredWithAProblem(
      String name, String key, String value, String problem) {
    PodOverrides o = PodOverrides.parse(Map.of(key, value));
    assertThat(o.problems()).singleElement().asString().startsWith(key).contains(problem);
    assertThat(
            Arrays.asList(
                o.inboundPorts(),
                o.skipInboundPorts(),
                o.interception(),
                o.logPaths(),
                o.metricsPort(),
                o.metricsPath(),
                o.cpuLimit(),
                o.nativeSidecar()))
        .containsOnlyNulls();
  }

  static EffectivePolicy policy(LogsSpec logs) {
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setLogs(logs);
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("shop").build());
    policy.setSpec(spec);
    return PolicyResolver.resolve(policy);
  }

  static LogsSpec logs() {
    LogsSpec logs = new LogsSpec();
    logs.setPaths(List.of("/var/log/app/*.log"));
    LogOutputsSpec outputs = new LogOutputsSpec();
    outputs.setStdout(true);
    logs.setOutputs(outputs);
    return logs;
  }

  @Test
  void logPathsCountOnlyUnderThePolicyDirectory() {
    EffectivePolicy tailing = policy(logs());
    PodOverrides inside =
        PodOverrides.parse(Map.of("outrigger.io/log-paths", "/var/log/app/x.log"));
    PodOverrides outside =
        PodOverrides.parse(Map.of("outrigger.io/log-paths", "/var/log/other.log"));
    PodOverrides sibling =
        PodOverrides.parse(Map.of("outrigger.io/log-paths", "/var/log/application/x.log"));

    assertThat(inside.logPathsFor(tailing)).containsExactly("/var/log/app/x.log");
    assertThat(inside.problemsWith(tailing)).isEmpty();
    assertThat(outside.logPathsFor(tailing)).isNull();
    assertThat(outside.problemsWith(tailing))
        .singleElement()
        .asString()
        .contains("must lie under /var/log/app");
    assertThat(sibling.logPathsFor(tailing)).as("a prefix is not a parent directory").isNull();

    EffectivePolicy notTailing = policy(null);
    assertThat(inside.logPathsFor(notTailing)).isNull();
    assertThat(inside.problemsWith(notTailing))
        .singleElement()
        .asString()
        .contains("does not tail logs");
  }
}
