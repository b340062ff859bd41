package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterFactsTest {

  @ParameterizedTest(name = "{0}.{1} native={2}")
  @CsvSource({
    "1,20,false",
    "1,28,false",
    "1,29,true",
    "1,30,true",
    "1,29+,true",
    "1,28+,false",
    "2,0,true",
    "1,,false",
    "x,y,false"
  })
  void nativeSidecarsFrom129(String major, String minor, boolean supported) {
    assertThat(ClusterFacts.of(major, minor, "img", "v", "ops").serverRunsNativeSidecars())
        .isEqualTo(supported);
  }

  @Test
  void excludesTheControlPlaneAndTheOperatorNamespaces() {
    assertThat(ClusterFacts.of("1", "30", "img", "v", "outrigger").excludedNamespaces())
        .containsExactlyInAnyOrder("kube-system", "kube-public", "kube-node-lease", "outrigger");
  }
}
