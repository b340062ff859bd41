package io.outrigger.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Pods to and from Jackson trees. Fabric8's model classes carry their own Jackson annotations
 * (quantities, int-or-string, unknown fields kept), so a plain mapper reads and writes them
 * faithfully.
 */
public final class PodJson {
  private PodJson() {}

  /**
   * Sorted map keys make every rendering (patches, env JSON, fixtures) deterministic. Blackbird
   * replaces Jackson's reflective getter and setter calls with generated ones, which matters here:
   * an admission converts the pod model to and from trees several times.
   */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .registerModule(new BlackbirdModule());

  public static JsonNode toTree(Pod pod) {
    return MAPPER.valueToTree(pod);
  }

  /** A pod from a tree; {@link IllegalArgumentException} when the tree is not one. */
  public static Pod fromTree(JsonNode tree) {
    try {
      return MAPPER.treeToValue(tree, Pod.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a Pod: " + e.getOriginalMessage(), e);
    }
  }

  /** A deep copy sharing nothing with {@code pod}. */
  public static Pod copy(Pod pod) {
    return fromTree(toTree(pod));
  }

  /** Compact JSON with sorted keys. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
    }
  }
}
