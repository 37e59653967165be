package dev.tcplat.exporter.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/** A histogram with labels as the per-peer series use it: client_java's, or {@link SingleWriterHistogram}. */
interface HistogramFamily {
    DistributionDataPoint labelValues(String... values);

    void remove(String... values);
}
