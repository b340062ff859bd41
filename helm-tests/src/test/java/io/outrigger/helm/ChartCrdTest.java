package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code crds/} is the one source of the CRD: the chart carries a byte-for-byte copy that {@code
 * make crds} refreshes, and this test fails while they differ.
 */
class ChartCrdTest {

  @Test
  void theChartCarriesExactlyTheGeneratedCrd() throws IOException {
    Path copy = Repo.chart().resolve("crds").resolve(Repo.crd().getFileName());

    assertThat(copy).as("run `make crds`").exists();
    assertThat(Files.readString(copy))
        .as("helm/outrigger/crds is stale: run `make crds`")
        .isEqualTo(Files.readString(Repo.crd()));
  }

  @Test
  void theChartHasNoOtherCrd() throws IOException {
    try (Stream<Path> files = Files.list(Repo.chart().resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(Repo.crd().getFileName().toString());
    }
  }
}
