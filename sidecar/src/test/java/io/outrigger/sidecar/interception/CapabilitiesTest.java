package io.outrigger.sidecar.interception;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilitiesTest {

  @Test
  void netAdminFromCapEff() {
    assertThat(Capabilities.hasNetAdmin("Name:\tjava\nCapEff:\t000001fffeffffff\n")).isTrue();
    assertThat(Capabilities.hasNetAdmin("CapEff:\t00000000a80425fb\n")).isFalse();
    assertThat(Capabilities.hasNetAdmin("CapEff:\t0000000000001000\n")).isTrue();
    assertThat(Capabilities.hasNetAdmin("CapEff:\t0000000000000000\n")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "iptables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)|true",
        "iptables-restore v1.8.7 (legacy): iptables-restore: unable to initialize table 'nat'|false",
        "can't initialize iptables table `nat': Permission denied (you must be root)|true",
        "iptables-restore: line 3 failed|false",
      })
  void permissionErrors(String output, boolean permission) {
    assertThat(Capabilities.isPermissionError(output)).isEqualTo(permission);
  }
}
