package dev.tcplat.exporter.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A classic histogram whose observations all come from one thread, the drain thread, read by
 * scrapes on others. client_java's histogram is built for many writers: every observation goes
 * through an atomic counter, a LongAdder per bucket and a DoubleAdder for the sum, about 27 ns
 * here (BENCHMARKS.md, item 5). With one writer an observation is a bucket search and two plain
 * stores; opaque access keeps each value whole and lets scrapes see it without a fence on the
 * hot path.
 *
 * <p>A scrape reads the buckets one by one while observations may go on, so a data point can
 * include an observation in its buckets and not yet in its sum, or the other way round; the count
 * is the sum of the buckets, so buckets and count always agree, which is what Prometheus'
 * quantile estimation relies on.
 */
final class SingleWriterHistogram implements HistogramFamily, Collector {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;

    static {
        try {
            SUM = MethodHandles.lookup().findVarHandle(Cell.class, "sum", double.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MetricMetadata metadata;
    private final String[] labelNames;
    /** the configured bounds, then +Inf */
    private final double[] upperBounds;
    private final ConcurrentHashMap<List<String>, Cell> cells = new ConcurrentHashMap<>();

    SingleWriterHistogram(String name, String help, String[] labelNames, double[] upperBounds) {
        this.metadata = new MetricMetadata(name, help);
        this.labelNames = labelNames.clone();
        double[] bounds = Arrays.stream(upperBounds).sorted().distinct().toArray();
        if (bounds.length == 0 || bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
            bounds = Arrays.copyOf(bounds, bounds.length + 1);
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        }
        this.upperBounds = bounds;
    }

    @Override
    public DistributionDataPoint labelValues(String... values) {
        if (values.length != labelNames.length) {
            throw new IllegalArgumentException(metadata.getName() + " has " + labelNames.length
                    + " labels, got " + values.length + " values");
        }
        return cells.computeIfAbsent(List.of(values), v -> new Cell(Labels.of(labelNames, values)));
    }

    @Override
    public void remove(String... values) {
        cells.remove(List.of(values));
    }

    @Override
    public HistogramSnapshot collect() {
        List<HistogramDataPointSnapshot> points = new ArrayList<>(cells.size());
        for (Cell cell : cells.values()) {
            points.add(cell.snapshot());
        }
        return new HistogramSnapshot(metadata, points);
    }

    @Override
    public String getPrometheusName() {
        return metadata.getPrometheusName();
    }

    @Override
    public MetricType getMetricType() {
        return MetricType.HISTOGRAM;
    }

    @Override
    public Set<String> getLabelNames() {
        return Set.of(labelNames);
    }

    /** One label set's buckets; {@link #observe} from the owning thread only. */
    final class Cell implements DistributionDataPoint {
        private final Labels labels;
        private final long createdMillis = System.currentTimeMillis();
        /** per bucket, not cumulative */
        private final long[] counts = new long[upperBounds.length];
        @SuppressWarnings("unused") // through SUM
        private double sum;

        Cell(Labels labels) {
            this.labels = labels;
        }

        @Override
        public void observe(double value) {
            if (Double.isNaN(value)) {
                return;
            }
            int bucket = 0;
            while (value > upperBounds[bucket]) {
                bucket++;  // ends at +Inf at the latest
            }
            COUNTS.setOpaque(counts, bucket, (long) COUNTS.getOpaque(counts, bucket) + 1);
            SUM.setOpaque(this, (double) SUM.getOpaque(this) + value);
        }

        @Override
        public void observeWithExemplar(double value, Labels exemplarLabels) {
            observe(value);  // built without exemplars, like the client_java histograms it replaces
        }

        @Override
        public long getCount() {
            long count = 0;
            for (int i = 0; i < counts.length; i++) {
                count += (long) COUNTS.getOpaque(counts, i);
            }
            return count;
        }

        @Override
        public double getSum() {
            return (double) SUM.getOpaque(this);
        }

        HistogramDataPointSnapshot snapshot() {
            long[] copy = new long[counts.length];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = (long) COUNTS.getOpaque(counts, i);
            }
            return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(upperBounds, copy), getSum(), labels,
                    null, createdMillis);
        }
    }
}
