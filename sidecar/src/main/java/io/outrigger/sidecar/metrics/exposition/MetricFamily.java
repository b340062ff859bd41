package io.outrigger.sidecar.metrics.exposition;

import java.util.List;

/** A metric family: its name, type, help and unit lines, and its samples in exposition order. */
public record MetricFamily(
    String name, MetricType type, String help, String unit, List<Sample> samples) {}
