package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code crds/} is the one source of the CRD: the chart carries a byte-for-byte copy in {@code
 * files/crds/} (rendered by {@code templates/crds.yaml}) that {@code make crds} refreshes, and this
 * test fails while they differ. The chart has no {@code crds/} directory: Helm would install from
 * it but never upgrade it.
 */
class ChartCrdTest {

  @Test
  void theChartCarriesExactlyTheGeneratedCrd() throws IOException {
    Path copy = Repo.chartCrd();

    assertThat(copy).as("run `make crds`").exists();
    assertThat(Files.readString(copy))
        .as("helm/outrigger/files/crds is stale: run `make crds`")
        .isEqualTo(Files.readString(Repo.crd()));
  }

  @Test
  void theChartHasNoOtherCrdAndNoCrdsDirectory() throws IOException {
    try (Stream<Path> files = Files.list(Repo.chartCrd().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(Repo.crd().getFileName().toString());
    }
    assertThat(Repo.chart().resolve("crds")).doesNotExist();
  }
}
