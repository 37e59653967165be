package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.match.Direction;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** How the per-peer label budget is spent: label sets alive, folded and expired, by direction. */
final class PeerBudgetMetrics {
    private PeerBudgetMetrics() {}

    static void register(PrometheusRegistry registry, PeerMetrics peerMetrics) {
        CounterWithCallback.builder()
                .name(MetricNames.PEER_SERIES_OVERFLOW)
                .help("Handshake observations whose peer address the label budget folded: into its prefix"
                        + " (fold=\"prefix\", the per-address budget was spent) or into peer=\"other\""
                        + " (fold=\"other\", the prefix budget too).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_FOLD)
                .callback(cb -> {
                    for (Direction direction : Direction.values()) {
                        PeerLabelSets<?> sets = peerMetrics.labelSets(direction);
                        cb.call(sets.foldedToPrefix(), direction.label, "prefix");
                        cb.call(sets.foldedToOther(), direction.label, "other");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.PEER_LABEL_SETS)
                .help("Per-peer label sets alive now, by direction; bounded by the config's budget.")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    for (Direction direction : Direction.values()) {
                        cb.call(peerMetrics.labelSets(direction).size(), direction.label);
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.PEER_LABEL_SETS_EXPIRED)
                .help("Per-peer label sets removed after peers.idle_timeout without a handshake.")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    for (Direction direction : Direction.values()) {
                        cb.call(peerMetrics.labelSets(direction).expired(), direction.label);
                    }
                })
                .register(registry);
    }
}
