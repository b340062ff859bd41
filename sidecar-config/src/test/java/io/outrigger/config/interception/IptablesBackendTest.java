package io.outrigger.config.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IptablesBackendTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "legacy holds the node's rules|12|0|iptables v1.8.9 (nf_tables)|LEGACY",
        "nft holds the node's rules|0|30|iptables v1.8.7 (legacy)|NFT",
        "none anywhere, image default nft|0|0|iptables v1.8.9 (nf_tables)|NFT",
        "none anywhere, image default legacy|0|0|iptables v1.8.7 (legacy)|LEGACY",
        "equal counts, no default binary|3|3||NFT",
        "only legacy installed|-1|-1|x|FAIL",
        "legacy save missing|-1|0||NFT",
        "nft save missing|0|-1||LEGACY",
      })
  void detects(String name, int legacy, int nft, String version, String expected) {
    if (expected.equals("FAIL")) {
      assertThatThrownBy(() -> IptablesBackend.detect(legacy, nft, version))
          .hasMessageContaining("install the iptables package");
    } else {
      assertThat(IptablesBackend.detect(legacy, nft, version))
          .isEqualTo(IptablesBackend.valueOf(expected));
    }
  }

  @Test
  void countsOnlyRules() {
    assertThat(
            IptablesBackend.countRules(
                "# Generated\n*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j X\n-A X -j RETURN\n"
                    + "COMMIT\n"))
        .isEqualTo(2);
  }
}
