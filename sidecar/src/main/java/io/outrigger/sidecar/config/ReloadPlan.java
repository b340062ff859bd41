package io.outrigger.sidecar.config;

import io.outrigger.config.Reload;
import io.outrigger.config.Reload.Mode;
import io.outrigger.config.SidecarConfig;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a new config changes, split into what the running sidecar applies at once and what only a
 * restart applies. Derived from the {@link Reload} declarations on {@link SidecarConfig}'s fields,
 * walked by reflection: nothing else decides it. A pure function of two configs.
 *
 * @param live dotted names of changed fields applied without dropping a connection: first the
 *     sections compared field by field (proxy, tracing), then the sections taken whole
 * @param restartRequired dotted names of changed fields that take effect only after a restart
 */
public record ReloadPlan(List<String> live, List<String> restartRequired) {

  public boolean changed() {
    return !live.isEmpty() || !restartRequired.isEmpty();
  }

  public static ReloadPlan between(SidecarConfig running, SidecarConfig next) {
    SidecarConfig effective = effective(running, next);
    List<String> fieldByField = new ArrayList<>();
    List<String> whole = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    compare("", running, next, effective, fieldByField, whole, restart);
    fieldByField.addAll(whole);
    return new ReloadPlan(List.copyOf(fieldByField), List.copyOf(restart));
  }

  /**
   * The config in effect after a reload: {@code next}, except that fields only a restart applies
   * keep their running values, so {@code /config} shows what the sidecar really does.
   */
  public static SidecarConfig effective(SidecarConfig running, SidecarConfig next) {
    return merge(SidecarConfig.class, running, next);
  }

  /** The declaration of a field: LIVE, RESTART, or null for a section whose fields say it. */
  static Mode declared(RecordComponent field) {
    Reload reload = field.getAnnotation(Reload.class);
    if (reload != null) {
      return reload.value();
    }
    if (!field.getType().isRecord()) {
      throw new IllegalStateException(
          field.getDeclaringRecord().getSimpleName()
              + "."
              + field.getName()
              + " says neither LIVE nor RESTART, and is no section to look into");
    }
    return null;
  }

  private static void compare(
      String prefix,
      Record running,
      Record next,
      Record effective,
      List<String> fieldByField,
      List<String> whole,
      List<String> restart) {
    for (RecordComponent field : running.getClass().getRecordComponents()) {
      String name = prefix + field.getName();
      Object before = value(field, running);
      Object after = value(field, next);
      Mode mode = declared(field);
      if (mode == null) {
        compare(
            name + ".",
            (Record) before,
            (Record) after,
            (Record) value(field, effective),
            fieldByField,
            whole,
            restart);
      } else if (mode == Mode.RESTART) {
        changed(name, before, after, restart);
      } else {
        restartInside(name + ".", before, after, restart);
        changed(name, before, value(field, effective), prefix.isEmpty() ? whole : fieldByField);
      }
    }
  }

  /** The RESTART fields inside a LIVE one, reported on their own. */
  private static void restartInside(
      String prefix, Object running, Object next, List<String> restart) {
    if (!(running instanceof Record a) || !(next instanceof Record b)) {
      return;
    }
    for (RecordComponent field : a.getClass().getRecordComponents()) {
      Object before = value(field, a);
      Object after = value(field, b);
      if (field.getAnnotation(Reload.class) != null
          && field.getAnnotation(Reload.class).value() == Mode.RESTART) {
        changed(prefix + field.getName(), before, after, restart);
      } else {
        restartInside(prefix + field.getName() + ".", before, after, restart);
      }
    }
  }

  /** {@code next} with every RESTART field, however deep, taken from {@code running}. */
  private static <T> T merge(Class<T> type, T running, T next) {
    if (running == null || next == null || !type.isRecord()) {
      return next;
    }
    RecordComponent[] fields = type.getRecordComponents();
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      RecordComponent field = fields[i];
      Reload reload = field.getAnnotation(Reload.class);
      values[i] =
          reload != null && reload.value() == Mode.RESTART
              ? value(field, running)
              : mergeAny(field.getType(), value(field, running), value(field, next));
    }
    try {
      Constructor<T> canonical =
          type.getDeclaredConstructor(
              Arrays.stream(fields).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot rebuild " + type.getSimpleName(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Object mergeAny(Class<T> type, Object running, Object next) {
    return merge(type, (T) running, (T) next);
  }

  private static Object value(RecordComponent field, Object record) {
    try {
      return field.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + field.getName(), e);
    }
  }

  private static void changed(String field, Object before, Object after, List<String> into) {
    if (!Objects.equals(before, after)) {
      into.add(field);
    }
  }
}
