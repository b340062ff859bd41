package io.outrigger.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
  private static String column(String name) {
    return "    - jsonPath: \".x."
        + name
        + "\"\n      name: \""
        + name
        + "\"\n      type: \"string\"\n";
  }

  private static String crd(String... names) {
    StringBuilder yaml = new StringBuilder("spec:\n  versions:\n  - additionalPrinterColumns:\n");
    for (String name : names) {
      yaml.append(column(name));
    }
    return yaml.append("    name: \"v1alpha1\"\n    served: true\n").toString();
  }

  @Test
  void theGeneratorsPathOrderBecomesDesignsOrder() {
    assertThat(PrinterColumnOrder.reorder(crd("Age", "Ready", "Injected", "Matched", "Healthy")))
        .isEqualTo(crd("Ready", "Matched", "Injected", "Healthy", "Age"));
  }

  @Test
  void columnsDesignDoesNotNameFollowInTheirOwnOrder() {
    assertThat(PrinterColumnOrder.reorder(crd("Zeta", "Age", "Alpha", "Ready")))
        .isEqualTo(crd("Ready", "Age", "Zeta", "Alpha"));
  }

  @Test
  void aFileInOrderOrWithoutColumnsIsLeftAlone() {
    String ordered = crd("Ready", "Matched", "Injected", "Healthy", "Age");
    assertThat(PrinterColumnOrder.reorder(ordered)).isEqualTo(ordered);
    String none = "spec:\n  versions:\n  - name: \"v1alpha1\"\n";
    assertThat(PrinterColumnOrder.reorder(none)).isEqualTo(none);
  }
}
