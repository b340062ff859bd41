package io.outrigger.api.v1alpha1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts the CRD's printer columns in the order DESIGN gives ({@link #ORDER}): Fabric8's generator
 * sorts them by JSON path (fabric8io/kubernetes-client#7454, no order attribute yet), which put Age
 * first. Run by the build on the generated file right after generation ({@code crds/pom.xml},
 * exec-maven-plugin), so the generated file, the committed one and {@link GeneratedCrdTest} agree.
 */
public final class PrinterColumnOrder {
  private PrinterColumnOrder() {}

  /** What {@code kubectl get obspol} shows, left to right. */
  static final List<String> ORDER =
      List.of(
          "Ready",
          "Valid",
          "Degraded",
          "Matched",
          "Injected",
          "Healthy",
          "Outdated",
          "Missed",
          "Age");

  private static final String LIST_START = "  - additionalPrinterColumns:";
  private static final String ITEM_START = "    - ";
  private static final String NAME_PREFIX = "      name: \"";

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      Path path = Path.of(file);
      String yaml = Files.readString(path, StandardCharsets.UTF_8);
      String ordered = reorder(yaml);
      if (!ordered.equals(yaml)) {
        Files.writeString(path, ordered, StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * {@code yaml} with each version's printer columns in {@link #ORDER}; columns not named there
   * keep their place after them. Only the lines of the column list move.
   */
  static String reorder(String yaml) {
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
    for (int start = 0; start < lines.size(); start++) {
      if (!lines.get(start).equals(LIST_START)) {
        continue;
      }
      int end = start + 1;
      while (end < lines.size()
          && lines.get(end).startsWith("    ")
          && (lines.get(end).startsWith(ITEM_START) || lines.get(end).startsWith("      "))) {
        end++;
      }
      List<List<String>> columns = new ArrayList<>();
      for (int i = start + 1; i < end; i++) {
        if (lines.get(i).startsWith(ITEM_START)) {
          columns.add(new ArrayList<>());
        }
        columns.get(columns.size() - 1).add(lines.get(i));
      }
      columns.sort(Comparator.comparingInt(PrinterColumnOrder::rank));
      List<String> sorted = columns.stream().flatMap(List::stream).toList();
      for (int i = 0; i < sorted.size(); i++) {
        lines.set(start + 1 + i, sorted.get(i));
      }
      start = end;
    }
    return String.join("\n", lines);
  }

  private static int rank(List<String> column) {
    for (String line : column) {
      String field =
          line.startsWith(ITEM_START) ? "      " + line.substring(ITEM_START.length()) : line;
      if (field.startsWith(NAME_PREFIX)) {
        int index = ORDER.indexOf(field.substring(NAME_PREFIX.length(), field.length() - 1));
        return index < 0 ? ORDER.size() : index;
      }
    }
    return ORDER.size();
  }
}
