package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict} is clean for every values set, and refuses bad values clearly. */
class ChartLintTest {

  static Iterable<ValuesSet> sets() {
    return ValuesSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void lintIsCleanFor(ValuesSet values) {
    LintResult result = ChartRender.lint(values);

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .as("no warnings either")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "failurePolicy neither Ignore nor Fail | webhook: {failurePolicy: Sometimes} | failurePolicy",
        "unknown certificates mode | certificates: {mode: vault} | mode",
        "zero replicas | replicaCount: 0 | replicaCount",
        "timeout above the API server's 30 s | webhook: {timeoutSeconds: 31} | timeoutSeconds",
        "misspelt key | webhok: {failurePolicy: Fail} | webhok",
        "lease duration without a unit | leaderElection: {leaseDuration: '15'} | leaseDuration",
        "digest that is not sha256 | 'image: {operator: {repository: r, digest: latest}}' | digest",
        "watch namespace that is not a DNS label | 'watchNamespaces: [Shop_1]' | watchNamespaces",
      })
  void badValuesAreRefusedNamingTheField(String name, String yaml, String field)
      throws IOException {
    Path file = Files.createTempFile("values-", ".yaml");
    Files.writeString(file, yaml + "\n");
    LintResult result = ChartRender.lint(ValuesSet.ofFile(file));

    assertThat(result.isFailed()).as(name).isTrue();
    assertThat(String.join("\n", result.getMessages())).as(name).contains(field);
  }
}
