package io.outrigger.webhook;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of a model object (Pod, PodSpec, Container, ...) whose fields hold the original's values,
 * except that its lists and maps are new ones with the same elements. Setting a field of the copy,
 * or adding to one of its lists, never reaches the original; what the copy's owner leaves alone
 * stays the very same object.
 *
 * <p>The injector copies on write with it: only the objects it changes are copied. Fabric8's
 * builders copy the whole pod deeply, which was half the injector's CPU, and sharing the untouched
 * parts lets {@link io.outrigger.webhook.patch.ModelDiff} pass over them at once. It copies the
 * declared fields (the model classes are plain fields with accessors), so a field added in a later
 * model version is copied too.
 */
final class ShallowCopy {
  private ShallowCopy() {}

  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              if (!Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                fields.add(field);
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  /** A shallow copy of {@code original}, or {@code null} for {@code null}. */
  @SuppressWarnings("unchecked")
  static <T> T of(T original) {
    if (original == null) {
      return null;
    }
    try {
      T copy = (T) original.getClass().getConstructor().newInstance();
      for (Field field : FIELDS.get(original.getClass())) {
        field.set(copy, ownCollection(field.get(original)));
      }
      return copy;
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException i ? i.getCause() : e;
      throw new IllegalStateException(
          "cannot copy a " + original.getClass().getSimpleName() + ": " + cause, cause);
    }
  }

  private static Object ownCollection(Object value) {
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    if (value instanceof Map<?, ?> map) {
      return new LinkedHashMap<>(map);
    }
    return value;
  }
}
