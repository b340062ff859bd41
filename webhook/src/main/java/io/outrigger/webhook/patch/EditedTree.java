package io.outrigger.webhook.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The JSON tree of an edited model object, rendered only where the edit changed it: every part
 * equal to the original's is the original tree's node itself. The result equals {@code
 * mapper.valueToTree(edited)}; rendering the whole pod twice for the diff was a third of an
 * admission's CPU, while the sidecar changes a few containers' fields, and {@link JsonPatchDiff}
 * passes over shared nodes at once.
 *
 * <p>It walks the two objects side by side through the properties Jackson itself found for the
 * class. Equal values ({@code equals}) share the original's node; different beans of one class and
 * lists are walked further; anything else is rendered by the mapper. A class is walked only when
 * Jackson writes it with its plain bean serializer and every property is a plain one (no custom
 * serializer, format or content filter, inclusion ALWAYS, NON_NULL or NON_EMPTY); any other class
 * is rendered whole, which is always right. Equal-but-differently-written values (a Quantity of
 * {@code 1} and {@code 1000m}) keep the original's writing, as the model says they are the same.
 */
public final class EditedTree {

  /** Jackson annotations that do not change how a property is written. */
  private static final Set<String> NEUTRAL_ANNOTATIONS =
      Set.of(
          "JsonProperty",
          "JsonInclude",
          "JsonPropertyDescription",
          "JsonPropertyOrder",
          "JsonDeserialize",
          "JsonSetter",
          "JsonAlias",
          "JsonAnySetter",
          "JsonAnyGetter",
          "JsonIgnore",
          "JsonIgnoreProperties");

  private final ObjectMapper mapper;
  private final Map<Class<?>, Optional<Shape>> shapes = new ConcurrentHashMap<>();

  public EditedTree(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * {@code edited}'s tree, sharing {@code originalTree}'s nodes wherever it equals {@code
   * original}.
   *
   * @param originalTree {@code mapper.valueToTree(original)}
   */
  public JsonNode render(Object edited, Object original, JsonNode originalTree) {
    if (Objects.equals(edited, original)) {
      return originalTree;
    }
    if (edited == null || original == null || originalTree == null) {
      return mapper.valueToTree(edited);
    }
    if (edited instanceof List<?> list
        && original instanceof List<?> originalList
        && originalTree.isArray()
        && originalTree.size() == originalList.size()) {
      return list(list, originalList, (ArrayNode) originalTree);
    }
    if (edited.getClass() == original.getClass() && originalTree.isObject()) {
      Optional<Shape> shape = shape(edited.getClass());
      if (shape.isPresent()) {
        return bean(shape.get(), edited, original, (ObjectNode) originalTree);
      }
    }
    return mapper.valueToTree(edited);
  }

  private JsonNode bean(Shape shape, Object edited, Object original, ObjectNode originalTree) {
    Object extra = shape.anyGetter == null ? null : shape.anyGetter.getValue(edited);
    if (shape.anyGetter != null && !Objects.equals(extra, shape.anyGetter.getValue(original))) {
      return mapper.valueToTree(edited);
    }
    ObjectNode tree = originalTree.objectNode();
    for (Property property : shape.properties) {
      Object value = property.accessor.getValue(edited);
      Object originalValue = property.accessor.getValue(original);
      JsonNode originalNode = originalTree.get(property.name);
      if (Objects.equals(value, originalValue)) {
        // Equal values are written alike, or left out alike.
        if (originalNode != null) {
          tree.set(property.name, originalNode);
        }
      } else if (property.writes(value)) {
        tree.set(
            property.name,
            originalNode == null
                ? mapper.valueToTree(value)
                : render(value, originalValue, originalNode));
      }
    }
    if (shape.anyGetter != null) {
      // Equal extra properties: the original's fields that are no declared property, in its order.
      for (Iterator<Map.Entry<String, JsonNode>> it = originalTree.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!shape.names.contains(field.getKey())) {
          tree.set(field.getKey(), field.getValue());
        }
      }
    }
    return tree;
  }

  /**
   * Each element shares or walks the original element it equals, else the one at its own index or
   * with its name (a container that gained a mount), else is rendered.
   */
  private JsonNode list(List<?> edited, List<?> original, ArrayNode originalTree) {
    ArrayNode tree = originalTree.arrayNode(edited.size());
    for (int i = 0; i < edited.size(); i++) {
      Object element = edited.get(i);
      int match = counterpart(element, i, original);
      tree.add(
          match < 0
              ? mapper.valueToTree(element)
              : render(element, original.get(match), originalTree.get(match)));
    }
    return tree;
  }

  private int counterpart(Object element, int index, List<?> original) {
    if (index < original.size() && Objects.equals(element, original.get(index))) {
      return index;
    }
    for (int i = 0; i < original.size(); i++) {
      if (Objects.equals(element, original.get(i))) {
        return i;
      }
    }
    Object name = nameOf(element);
    if (name == null) {
      return -1;
    }
    for (int i = 0; i < original.size(); i++) {
      Object candidate = original.get(i);
      if (candidate != null
          && candidate.getClass() == element.getClass()
          && name.equals(nameOf(candidate))) {
        return i;
      }
    }
    return -1;
  }

  /** The value of a walkable bean's {@code name} property, or {@code null}. */
  private Object nameOf(Object element) {
    if (element == null) {
      return null;
    }
    return shape(element.getClass())
        .flatMap(shape -> shape.property("name"))
        .map(property -> property.accessor.getValue(element))
        .orElse(null);
  }

  private Optional<Shape> shape(Class<?> type) {
    return shapes.computeIfAbsent(type, this::inspect);
  }

  /** The class's written properties, or empty when it must be rendered whole. */
  private Optional<Shape> inspect(Class<?> type) {
    if (type.isArray()
        || type.isEnum()
        || type.isPrimitive()
        || type.getName().startsWith("java.")
        || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || !neutral(type)) {
      return Optional.empty();
    }
    SerializationConfig config = mapper.getSerializationConfig();
    JavaType javaType = config.constructType(type);
    try {
      if (mapper.getSerializerProviderInstance().findValueSerializer(javaType).getClass()
          != BeanSerializer.class) {
        return Optional.empty();
      }
    } catch (JsonMappingException e) {
      return Optional.empty();
    }
    BeanDescription description = config.introspect(javaType);
    JsonInclude.Value classInclusion =
        description.findPropertyInclusion(config.getDefaultPropertyInclusion(type));
    List<Property> properties = new ArrayList<>();
    for (BeanPropertyDefinition definition : description.findProperties()) {
      if (!definition.couldSerialize()) {
        continue;
      }
      AnnotatedMember accessor = definition.getAccessor();
      if (accessor == null
          || !neutral(accessor.getAnnotated())
          || (definition.getField() != null && !neutral(definition.getField().getAnnotated()))) {
        return Optional.empty();
      }
      JsonInclude.Value inclusion = classInclusion.withOverrides(definition.findInclusion());
      JsonInclude.Include content = inclusion.getContentInclusion();
      if (content != JsonInclude.Include.USE_DEFAULTS && content != JsonInclude.Include.ALWAYS) {
        return Optional.empty();
      }
      JsonInclude.Include include = inclusion.getValueInclusion();
      if (include != JsonInclude.Include.ALWAYS
          && include != JsonInclude.Include.USE_DEFAULTS
          && include != JsonInclude.Include.NON_NULL
          && include != JsonInclude.Include.NON_EMPTY) {
        return Optional.empty();
      }
      properties.add(new Property(definition.getName(), accessor, include));
    }
    return Optional.of(new Shape(properties, description.findAnyGetter()));
  }

  /** True when none of the element's Jackson annotations changes how it is written. */
  private static boolean neutral(AnnotatedElement element) {
    if (element == null) {
      return true;
    }
    for (Annotation annotation : element.getAnnotations()) {
      Class<? extends Annotation> type = annotation.annotationType();
      if (type.getName().startsWith("com.fasterxml.jackson.")
          && !NEUTRAL_ANNOTATIONS.contains(type.getSimpleName())) {
        return false;
      }
    }
    return true;
  }

  private record Property(String name, AnnotatedMember accessor, JsonInclude.Include include) {

    /** Whether Jackson writes the property with this value (NON_EMPTY as Jackson means it). */
    boolean writes(Object value) {
      return switch (include) {
        case NON_NULL -> value != null;
        case NON_EMPTY ->
            value != null
                && !(value instanceof Collection<?> c && c.isEmpty())
                && !(value instanceof Map<?, ?> m && m.isEmpty())
                && !(value instanceof String s && s.isEmpty())
                && !(value.getClass().isArray() && Array.getLength(value) == 0);
        default -> true;
      };
    }
  }

  /**
   * @param names the properties' names, to tell the any-getter's fields from them
   * @param anyGetter the map of extra properties written as fields, or {@code null}
   */
  private record Shape(List<Property> properties, Set<String> names, AnnotatedMember anyGetter) {

    Shape(List<Property> properties, AnnotatedMember anyGetter) {
      this(
          List.copyOf(properties),
          properties.stream().map(Property::name).collect(Collectors.toUnmodifiableSet()),
          anyGetter);
    }

    Optional<Property> property(String name) {
      return properties.stream().filter(p -> p.name.equals(name)).findFirst();
    }
  }
}
