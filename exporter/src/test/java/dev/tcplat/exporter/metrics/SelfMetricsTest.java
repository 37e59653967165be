package dev.tcplat.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.pipeline.Drainer;
import dev.tcplat.exporter.pipeline.EventDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The self-metrics each component registers, read back from the registry as a scrape reads them. */
class SelfMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PeerMetrics peers = new PeerMetrics(new PrometheusRegistry(), MetricsConfig.DEFAULTS, 0);
    private final OutboundMatcher outbound = new OutboundMatcher(64, 1_000_000_000L, peers);
    // Never called here: no inbound handshake completes.
    private final InboundMatcher inbound = new InboundMatcher(64, 1_000_000_000L, peers, null);
    private final EventDecoder decoder = new EventDecoder(outbound, inbound);

    private MetricSnapshot family(String name) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name));
    }

    private Map<String, Double> eventsByKind() {
        return ((CounterSnapshot) family(MetricNames.EVENTS)).getDataPoints().stream()
                .collect(Collectors.toMap(p -> p.getLabels().get(MetricNames.LABEL_KIND), p -> p.getValue()));
    }

    @Test
    void unknownEventKindsAreExportedBesideTheKnownOnes() {
        SelfMetrics.register(registry, new SelfMetrics.Sources(outbound, inbound, decoder, () -> 0, i -> -1,
                List::of, peers, () -> 0), "1", "6.0");
        ByteBuffer records = ByteBuffer.allocateDirect(EventLayout.EVENT_SIZE).order(ByteOrder.nativeOrder());
        records.put(EventLayout.KIND, (byte) 99);
        records.put(EventLayout.FAMILY, (byte) 4);

        decoder.decode(records, 1);

        assertThat(eventsByKind()).containsExactlyInAnyOrderEntriesOf(
                Map.of("syn", 0.0, "synack", 0.0, "rst", 0.0, "ack", 0.0, "unknown", 1.0));
    }

    @Test
    void everySelfMetricIsRegisteredFromOnePlace() {
        SelfMetrics.register(registry, new SelfMetrics.Sources(outbound, inbound, decoder, () -> 3, i -> 7,
                List::of, peers, () -> 0), "1", "6.0");
        SelfMetrics.drainBatchSizes(registry);

        assertThat(registry.scrape().stream().map(s -> s.getMetadata().getName()))
                .containsExactlyInAnyOrder("tcplat_events", "tcplat_ringbuf_dropped_events",
                        "tcplat_kernel_synack_table_full", "tcplat_pending_handshakes", "tcplat_pending_evicted",
                        "tcplat_rtt_ambiguous", "tcplat_synack_late", "tcplat_synack_ack_mismatch",
                        "tcplat_synack_unmatched", "tcplat_ack_unmatched", "tcplat_drain_batches",
                        "tcplat_last_event_timestamp_seconds", "tcplat_peer_series_overflow", "tcplat_peer_label_sets",
                        "tcplat_peer_label_sets_expired", "tcplat_interface_attached", "tcplat_build", "tcplat_drain_batch_events");
        assertThat(((CounterSnapshot) family(MetricNames.RINGBUF_DROPPED_EVENTS)).getDataPoints().get(0).getValue())
                .isEqualTo(7);
    }

    @Test
    void batchSizeBucketsAndHelpFollowTheDrainersBatch() {
        SelfMetrics.drainBatchSizes(registry).accept(Drainer.BATCH);

        HistogramSnapshot sizes = (HistogramSnapshot) family(MetricNames.DRAIN_BATCH_EVENTS);
        assertThat(sizes.getMetadata().getHelp()).contains("batches of " + Drainer.BATCH + " mean");
        var buckets = sizes.getDataPoints().get(0).getClassicBuckets();
        assertThat(buckets.getUpperBound(buckets.size() - 2)).isEqualTo(Drainer.BATCH);
        assertThat(buckets.getCount(buckets.size() - 2)).isEqualTo(1);
    }

    @Test
    void boundsArePowersOfTwoUpToTheBatch() {
        assertThat(DrainerMetrics.powersOfTwoUpTo(256)).containsExactly(1, 2, 4, 8, 16, 32, 64, 128, 256);
        assertThat(DrainerMetrics.powersOfTwoUpTo(300)).endsWith(128, 256, 300);
        assertThat(DrainerMetrics.powersOfTwoUpTo(1)).containsExactly(1);
    }
}
