package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code OUTRIGGER_*} variable the chart sets is one the operator reads: the names come from
 * the operator's own {@code OperatorConfig} mapping (loaded from {@code operator/target/classes}),
 * converted the way SmallRye Config maps environment variables ({@code outrigger.certificates
 * .webhook-configuration} is {@code OUTRIGGER_CERTIFICATES_WEBHOOK_CONFIGURATION}). A misspelt or
 * renamed variable would be ignored silently by the operator; here it fails.
 */
class OperatorEnvWiringTest {

  static Iterable<ValuesSet> sets() {
    return ValuesSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void everyOutriggerVariableOfTheDeploymentIsAnOperatorSetting(ValuesSet set) throws Exception {
    Set<String> read = operatorSettings();
    JsonNode container =
        ChartRender.tree(
                ChartRender.one(
                    ChartRender.template(set.release(), set.namespace(), set, "1.30.0"),
                    "Deployment",
                    null))
            .at("/spec/template/spec/containers/0");

    Set<String> names = new TreeSet<>();
    container.path("env").forEach(e -> names.add(e.path("name").asText()));
    assertThat(names.stream().filter(name -> name.startsWith("OUTRIGGER_")))
        .isNotEmpty()
        .allSatisfy(name -> assertThat(read).as("the operator reads %s", name).contains(name));
  }

  @Test
  void theOperatorsSettingsAreFoundAtAll() throws Exception {
    assertThat(operatorSettings())
        .contains(
            "OUTRIGGER_NAMESPACE",
            "OUTRIGGER_CERTIFICATES_WEBHOOK_CONFIGURATION",
            "OUTRIGGER_LEADER_ELECTION_LEASE_DURATION");
  }

  /**
   * Environment names of every leaf of {@code @ConfigMapping(prefix = "outrigger") OperatorConfig}.
   */
  static Set<String> operatorSettings() throws Exception {
    URL classes = Repo.root().resolve("operator/target/classes/").toUri().toURL();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, null)) {
      Class<?> config = Class.forName("io.outrigger.operator.app.OperatorConfig", false, loader);
      Set<String> names = new TreeSet<>();
      collect(config, "OUTRIGGER", names);
      return names;
    }
  }

  private static void collect(Class<?> group, String prefix, Set<String> names) {
    for (Method method : group.getMethods()) {
      if (method.getParameterCount() != 0 || method.isDefault()) {
        continue;
      }
      String name = prefix + "_" + snake(method.getName());
      Class<?> type = method.getReturnType();
      if (type.isInterface() && type.getEnclosingClass() != null) {
        collect(type, name, names);
      } else {
        names.add(name);
      }
    }
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }
}
