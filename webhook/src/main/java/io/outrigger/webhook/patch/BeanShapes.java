package io.outrigger.webhook.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a mapper writes a model class, as far as {@link ModelDiff} needs it: the properties Jackson
 * itself found, in the order it writes them, each with its inclusion rule, and the any-getter whose
 * map is written as further fields. Only classes written by the plain bean serializer with plain
 * properties (no custom serializer, format or content filter; inclusion ALWAYS, NON_NULL or
 * NON_EMPTY) have a shape; anything else must be rendered whole.
 */
final class BeanShapes {

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

  BeanShapes(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The shape of {@code type}, or empty when it must be rendered whole. */
  Optional<Shape> of(Class<?> type) {
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

  record Property(String name, AnnotatedMember accessor, JsonInclude.Include include) {

    Object get(Object bean) {
      return accessor.getValue(bean);
    }

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
   * @param name the property called {@code name}, which identifies list elements, or {@code null}
   * @param anyGetter the map of extra properties written as fields, or {@code null}
   */
  record Shape(List<Property> properties, Property name, AnnotatedMember anyGetter) {

    Shape(List<Property> properties, AnnotatedMember anyGetter) {
      this(
          List.copyOf(properties),
          properties.stream().filter(p -> p.name.equals("name")).findFirst().orElse(null),
          anyGetter);
    }

    /** The map the any-getter writes as further fields, or {@code null}. */
    Object extra(Object bean) {
      return anyGetter == null ? null : anyGetter.getValue(bean);
    }
  }
}
