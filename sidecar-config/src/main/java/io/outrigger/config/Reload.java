package io.outrigger.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a running sidecar takes a change of the annotated {@link SidecarConfig} field: the one place
 * this is said. The sidecar's {@code ReloadPlan} walks these by reflection to split a new config
 * into what it applies and what it reports as {@code restartRequired}.
 *
 * <p>A record-typed field without the annotation is a section whose own fields say it. A field
 * marked {@link Mode#LIVE} is compared and reported as a whole, except for the fields inside it
 * marked {@link Mode#RESTART}; a field marked {@link Mode#RESTART} keeps its running value,
 * whatever is inside it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Reload {
  Mode value();

  enum Mode {
    /** Applied to the running components without dropping a connection. */
    LIVE,
    /**
     * Fixed while the process runs (a bound port, a server option, the trace resource): the running
     * value stays and the change is reported until a restart.
     */
    RESTART
  }
}
