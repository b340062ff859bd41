package io.outrigger.sidecar.component;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The parts of {@code /status} the components fill in: their own entry, errors and counters. */
public final class StatusParts {
  private final ObjectNode components;
  private final ObjectNode counters;
  private final ArrayNode errors;

  /**
   * Adds {@code components}, {@code counters} and {@code errors}, in that order, to the document.
   */
  public StatusParts(ObjectNode document) {
    this.components = document.putObject("components");
    this.counters = document.putObject("counters");
    this.errors = document.putArray("errors");
  }

  /** The component's entry under {@code components}. */
  public ObjectNode component(String name) {
    return components.putObject(name);
  }

  /** Sets the component's entry to one it built itself. */
  public void component(String name, ObjectNode entry) {
    components.set(name, entry);
  }

  public void counter(String name, long value) {
    counters.put(name, value);
  }

  /** A current problem, as the operator shows it in the policy's status. */
  public void error(String component, String message) {
    errors.addObject().put("component", component).put("message", message);
  }
}
