package io.outrigger.webhook.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.webhook.patch.BeanShapes.Property;
import io.outrigger.webhook.patch.BeanShapes.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The JSON Patch between two model objects, as {@link JsonPatchDiff} gives it for their renderings,
 * without rendering what they share: the injector changes a few fields of a few objects and shares
 * the rest with the pod as sent, so only what changed is rendered (figures in docs/benchmarks.md).
 *
 * <p>It walks both objects side by side the way the tree diff walks their renderings: equal values
 * ({@code equals}) give nothing; beans of one class go property by property through {@link
 * BeanShapes} (a property is in the rendering when Jackson would write it); lists are aligned by
 * the tree diff's own alignment, elements being one when equal or of one {@code name}; anything
 * else is rendered and handed to the tree diff. {@code ModelDiffTest} checks the operations equal
 * those of the tree diff, in order, for every injection fixture and every kind of edit. Where the
 * model calls two values equal that render differently (a Quantity of {@code 1} and {@code 1000m}),
 * there is nothing to change.
 */
public final class ModelDiff {

  private final ObjectMapper mapper;
  private final BeanShapes shapes;

  public ModelDiff(ObjectMapper mapper) {
    this.mapper = mapper;
    this.shapes = new BeanShapes(mapper);
  }

  /** The operations turning {@code original}'s rendering into {@code edited}'s. */
  public ArrayNode diff(Object original, Object edited) {
    ArrayNode patch = mapper.getNodeFactory().arrayNode();
    diff("", original, edited, patch);
    return patch;
  }

  private void diff(String path, Object original, Object edited, ArrayNode patch) {
    if (Objects.equals(original, edited)) {
      return;
    }
    if (original instanceof List<?> source && edited instanceof List<?> target) {
      lists(path, source, target, patch);
      return;
    }
    Optional<Shape> shape = sharedShape(original, edited);
    if (shape.isPresent()
        && Objects.equals(shape.get().extra(original), shape.get().extra(edited))) {
      beans(path, shape.get(), original, edited, patch);
      return;
    }
    JsonPatchDiff.diff(path, tree(original), tree(edited), patch);
  }

  /** As the tree diff goes over two objects: the source's fields in order, then added ones. */
  private void beans(String path, Shape shape, Object original, Object edited, ArrayNode patch) {
    List<ObjectNode> additions = new ArrayList<>();
    for (Property property : shape.properties()) {
      Object before = property.get(original);
      Object after = property.get(edited);
      boolean wasWritten = property.writes(before);
      boolean isWritten = property.writes(after);
      String child = JsonPointer.append(path, property.name());
      if (wasWritten && isWritten) {
        diff(child, before, after, patch);
      } else if (wasWritten) {
        patch.add(JsonPatchDiff.op("remove", child));
      } else if (isWritten) {
        additions.add(JsonPatchDiff.op("add", child).set("value", tree(after)));
      }
    }
    // The any-getter's fields are equal on both sides (else the bean went to the tree diff).
    patch.addAll(additions);
  }

  private void lists(String path, List<?> source, List<?> target, ArrayNode patch) {
    JsonPatchDiff.walk(
        source.size(),
        target.size(),
        (s, t) -> sameElement(source.get(s), target.get(t)),
        new JsonPatchDiff.ArrayEdits() {
          @Override
          public void remove(int index) {
            patch.add(JsonPatchDiff.op("remove", JsonPointer.append(path, index)));
          }

          @Override
          public void add(int index, int t) {
            patch.add(
                JsonPatchDiff.op("add", JsonPointer.append(path, index))
                    .set("value", tree(target.get(t))));
          }

          @Override
          public void change(int index, int s, int t) {
            diff(JsonPointer.append(path, index), source.get(s), target.get(t), patch);
          }
        });
  }

  /** The tree diff's rule: equal, or objects with one textual {@code name}. */
  private boolean sameElement(Object a, Object b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    Object name = nameOf(a);
    return name != null && name.equals(nameOf(b));
  }

  /** The {@code name} a bean is written with, or {@code null}. */
  private Object nameOf(Object element) {
    if (element == null) {
      return null;
    }
    Property name = shapes.of(element.getClass()).map(Shape::name).orElse(null);
    if (name == null) {
      return null;
    }
    Object value = name.get(element);
    return value instanceof String && name.writes(value) ? value : null;
  }

  private Optional<Shape> sharedShape(Object original, Object edited) {
    if (original == null || edited == null || original.getClass() != edited.getClass()) {
      return Optional.empty();
    }
    return shapes.of(original.getClass());
  }

  private JsonNode tree(Object value) {
    return value == null ? mapper.getNodeFactory().nullNode() : mapper.valueToTree(value);
  }
}
