package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.metrics.PeerMetrics;
import dev.tcplat.exporter.pipeline.EventDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the exporter runs per event, wired as the exporter wires it (decoder → matchers →
 * per-peer metrics) with its default capacity and timeout, minus the probe and HTTP.
 */
final class Pipeline {
    static final int DEFAULT_CAPACITY = 65536;
    static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    final PrometheusRegistry registry = new PrometheusRegistry();
    /** A label budget large enough that every peer of a benchmark keeps its own series. */
    static final MetricsConfig EVERY_PEER = new MetricsConfig(List.of(), 1_000_000, 0, 24, 48,
            Duration.ofHours(1), false, List.of(), 0, MetricsConfig.DEFAULT_RTT_BUCKETS, false);

    final PeerMetrics peerMetrics;
    final OutboundMatcher outbound;
    final InboundMatcher inbound;
    final EventDecoder decoder;

    Pipeline() {
        this(DEFAULT_CAPACITY, EVERY_PEER);
    }

    Pipeline(int capacity, MetricsConfig metrics) {
        peerMetrics = new PeerMetrics(registry, metrics, System.nanoTime());
        outbound = new OutboundMatcher(capacity, DEFAULT_TIMEOUT_NS, peerMetrics);
        inbound = new InboundMatcher(capacity, DEFAULT_TIMEOUT_NS, peerMetrics,
                tuple -> { });
        decoder = new EventDecoder(outbound, inbound);
    }
}
