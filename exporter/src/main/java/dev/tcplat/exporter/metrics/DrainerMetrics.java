package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.pipeline.Drainer;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/** How the drain thread works: batches read, their sizes, and when the last event came. */
final class DrainerMetrics {
    private DrainerMetrics() {}

    /**
     * Events per non-empty batch, bucketed by powers of two up to {@link Drainer#BATCH}: a full
     * batch means the ring had more waiting.
     */
    static IntConsumer batchSizes(PrometheusRegistry registry) {
        DistributionDataPoint sizes = Histogram.builder()
                .name(MetricNames.DRAIN_BATCH_EVENTS)
                .help("Events per non-empty batch read from the ring buffer; batches of " + Drainer.BATCH
                        + " mean the ring had more waiting.")
                .classicUpperBounds(powersOfTwoUpTo(Drainer.BATCH))
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        return n -> sizes.observe(n);
    }

    /** 1, 2, 4, ... up to and including {@code max}, and {@code max} itself if it is not a power of two. */
    static double[] powersOfTwoUpTo(int max) {
        int count = 32 - Integer.numberOfLeadingZeros(max);
        boolean exact = Integer.bitCount(max) == 1;
        double[] bounds = new double[exact ? count : count + 1];
        for (int i = 0; i < count; i++) {
            bounds[i] = 1 << i;
        }
        if (!exact) {
            bounds[count] = max;
        }
        return bounds;
    }

    /**
     * @param batches non-empty batches read so far
     * @param lastEventNanos System.nanoTime() of the newest batch with events, 0 before the first
     */
    static void register(PrometheusRegistry registry, LongSupplier batches, LongSupplier lastEventNanos) {
        CounterWithCallback.builder()
                .name(MetricNames.DRAIN_BATCHES)
                .help("Non-empty batches read from the ring buffer (one native call each).")
                .callback(cb -> cb.call(batches.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.LAST_EVENT_TIMESTAMP_SECONDS)
                .help("Unix time of the newest handshake event read from the kernel; time() minus this is how"
                        + " long the exporter has seen no handshake.")
                .callback(cb -> {
                    long last = lastEventNanos.getAsLong();
                    if (last != 0) {
                        cb.call(System.currentTimeMillis() / 1e3 - (System.nanoTime() - last) / 1e9);
                    }
                })
                .register(registry);
    }
}
