package io.outrigger.webhook.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An RFC 6902 JSON Patch that turns one JSON document into another: {@code add}, {@code remove} and
 * {@code replace} operations only, each path valid at the moment it is applied.
 *
 * <p>Arrays are aligned with a longest common subsequence so that inserting a container at index 0
 * is one {@code add}, not a replacement of every element. Two elements align when they are equal or
 * are objects with the same {@code "name"} (containers, volumes, env, ports: the Kubernetes lists
 * keyed by name); aligned but different elements are diffed recursively.
 */
public final class JsonPatchDiff {
  private JsonPatchDiff() {}

  /** The operations turning {@code source} into {@code target}; empty when they are equal. */
  public static ArrayNode diff(JsonNode source, JsonNode target) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    diff("", source, target, patch);
    return patch;
  }

  /** Appends the operations turning {@code source} into {@code target}, found at {@code path}. */
  static void diff(String path, JsonNode source, JsonNode target, ArrayNode patch) {
    if (source.equals(target)) {
      return;
    }
    if (source.isObject() && target.isObject()) {
      diffObjects(path, (ObjectNode) source, (ObjectNode) target, patch);
    } else if (source.isArray() && target.isArray()) {
      diffArrays(path, (ArrayNode) source, (ArrayNode) target, patch);
    } else {
      patch.add(op("replace", path).set("value", target.deepCopy()));
    }
  }

  private static void diffObjects(
      String path, ObjectNode source, ObjectNode target, ArrayNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String child = JsonPointer.append(path, field.getKey());
      JsonNode wanted = target.get(field.getKey());
      if (wanted == null) {
        patch.add(op("remove", child));
      } else {
        diff(child, field.getValue(), wanted, patch);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = target.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!source.has(field.getKey())) {
        patch.add(
            op("add", JsonPointer.append(path, field.getKey()))
                .set("value", field.getValue().deepCopy()));
      }
    }
  }

  private static void diffArrays(String path, ArrayNode source, ArrayNode target, ArrayNode patch) {
    walk(
        source.size(),
        target.size(),
        (s, t) -> sameElement(source.get(s), target.get(t)),
        new ArrayEdits() {
          @Override
          public void remove(int index) {
            patch.add(op("remove", JsonPointer.append(path, index)));
          }

          @Override
          public void add(int index, int t) {
            patch.add(
                op("add", JsonPointer.append(path, index)).set("value", target.get(t).deepCopy()));
          }

          @Override
          public void change(int index, int s, int t) {
            diff(JsonPointer.append(path, index), source.get(s), target.get(t), patch);
          }
        });
  }

  /** Whether element {@code s} of the source and {@code t} of the target are one element. */
  @FunctionalInterface
  interface SameElement {
    boolean test(int s, int t);
  }

  /** What becomes of an array's elements, at positions in the array as already patched. */
  interface ArrayEdits {
    void remove(int index);

    /** Target element {@code t} is added at {@code index}. */
    void add(int index, int t);

    /** Source element {@code s} at {@code index} becomes target element {@code t}. */
    void change(int index, int s, int t);
  }

  /**
   * Walks the alignment of a source array of {@code n} and a target array of {@code m} elements
   * keeping {@code index}, the position in the array as already patched: removals leave it,
   * additions and kept elements advance it.
   */
  static void walk(int n, int m, SameElement same, ArrayEdits edits) {
    List<int[]> pairs = align(n, m, same);
    int s = 0;
    int t = 0;
    int index = 0;
    for (int[] pair : pairs) {
      for (; s < pair[0]; s++) {
        edits.remove(index);
      }
      for (; t < pair[1]; t++) {
        edits.add(index, t);
        index++;
      }
      edits.change(index, s, t);
      s++;
      t++;
      index++;
    }
    for (; s < n; s++) {
      edits.remove(index);
    }
    for (; t < m; t++) {
      edits.add(index, t);
      index++;
    }
  }

  /**
   * Above this many cells the quadratic alignment is not worth its memory (a pod body is at most a
   * few MB, but a list of many thousand env entries would cost gigabytes): the middle part then
   * aligns position by position, which is still a correct patch, only a longer one.
   */
  static final long MAX_ALIGNMENT_CELLS = 1_000_000;

  /**
   * Index pairs (source, target) of a longest common subsequence under {@code same}, after taking
   * the common prefix and suffix as they are.
   */
  private static List<int[]> align(int n, int m, SameElement same) {
    List<int[]> pairs = new ArrayList<>();
    int start = 0;
    while (start < n && start < m && same.test(start, start)) {
      pairs.add(new int[] {start, start});
      start++;
    }
    int endS = n;
    int endT = m;
    List<int[]> suffix = new ArrayList<>();
    while (endS > start && endT > start && same.test(endS - 1, endT - 1)) {
      endS--;
      endT--;
      suffix.add(0, new int[] {endS, endT});
    }
    int rows = endS - start;
    int cols = endT - start;
    if ((long) rows * cols > MAX_ALIGNMENT_CELLS) {
      for (int k = 0; k < Math.min(rows, cols); k++) {
        pairs.add(new int[] {start + k, start + k});
      }
    } else {
      int[][] lcs = new int[rows + 1][cols + 1];
      for (int i = rows - 1; i >= 0; i--) {
        for (int j = cols - 1; j >= 0; j--) {
          lcs[i][j] =
              same.test(start + i, start + j)
                  ? lcs[i + 1][j + 1] + 1
                  : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      int i = 0;
      int j = 0;
      while (i < rows && j < cols) {
        if (same.test(start + i, start + j) && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
          pairs.add(new int[] {start + i, start + j});
          i++;
          j++;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
          i++;
        } else {
          j++;
        }
      }
    }
    pairs.addAll(suffix);
    return pairs;
  }

  private static boolean sameElement(JsonNode a, JsonNode b) {
    if (a.equals(b)) {
      return true;
    }
    JsonNode nameA = a.isObject() ? a.get("name") : null;
    JsonNode nameB = b.isObject() ? b.get("name") : null;
    return nameA != null && nameA.isTextual() && nameA.equals(nameB);
  }

  static ObjectNode op(String op, String path) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("op", op);
    node.put("path", path);
    return node;
  }
}
