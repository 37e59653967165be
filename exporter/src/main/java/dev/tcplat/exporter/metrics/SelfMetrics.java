package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.iface.InterfaceAttachment;
import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.pipeline.EventDecoder;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How the exporter itself is doing. Every value is read at scrape time through a callback from
 * the component that owns it, so there is no background poller and no second copy to drift.
 */
public final class SelfMetrics {
    private SelfMetrics() {}

    /** What the self-metrics read from. */
    public record Sources(
            OutboundMatcher outbound,
            InboundMatcher inbound,
            EventDecoder decoder,
            LongSupplier drainBatches,
            /** a kernel counter by EventLayout.COUNTER_* index; negative when unavailable */
            IntToLongFunction kernelCounter,
            /** each selected interface: attached with its mode, or not (mode tried, or "") */
            Supplier<List<InterfaceAttachment>> attachedInterfaces,
            PeerMetrics peerMetrics,
            /** System.nanoTime() of the newest batch with events, 0 before the first */
            LongSupplier lastEventNanos) {}

    /** Events per non-empty batch: how hard the drain thread works for each native call. */
    public static IntConsumer drainBatchSizes(PrometheusRegistry registry) {
        DistributionDataPoint sizes = Histogram.builder()
                .name(MetricNames.DRAIN_BATCH_EVENTS)
                .help("Events per non-empty batch read from the ring buffer; batches of 256 mean the ring had"
                        + " more waiting.")
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        return n -> sizes.observe(n);
    }

    public static void register(PrometheusRegistry registry, Sources sources, String version, String kernelRelease) {
        CounterWithCallback.builder()
                .name(MetricNames.EVENTS)
                .help("Handshake events received from the kernel, by TCP packet kind.")
                .labelNames(MetricNames.LABEL_KIND)
                .callback(cb -> {
                    cb.call(sources.decoder().synEvents(), "syn");
                    cb.call(sources.decoder().synAckEvents(), "synack");
                    cb.call(sources.decoder().rstEvents(), "rst");
                    cb.call(sources.decoder().ackEvents(), "ack");
                })
                .register(registry);
        kernelCounter(registry, sources, MetricNames.RINGBUF_DROPPED_EVENTS, EventLayout.COUNTER_RINGBUF_FULL,
                "Handshake events the kernel could not queue because the ring buffer was full;"
                        + " raise --ringbuf.size if this grows.");
        kernelCounter(registry, sources, MetricNames.SYNACK_TABLE_FULL, EventLayout.COUNTER_SYNACK_TABLE_FULL,
                "SYN-ACKs sent while the kernel's table of answered inbound handshakes was full: their ACK"
                        + " goes unseen, so the handshake ends without an outcome (evicted, reason ack_untracked).");
        GaugeWithCallback.builder()
                .name(MetricNames.PENDING_HANDSHAKES)
                .help("Handshakes waiting for their answer, by direction.")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    cb.call(sources.outbound().pendingCount(), Direction.OUTBOUND.label);
                    cb.call(sources.inbound().pendingCount(), Direction.INBOUND.label);
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.PENDING_EVICTED)
                .help("Handshakes the pending tables could not follow: table_full (the oldest of a sample,"
                        + " evicted to make room at --pending.capacity), replaced (a new connection reused the tuple"
                        + " before an answer), ack_untracked (inbound: the kernel's table of answered handshakes"
                        + " was full, so the ACK could not be seen).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_REASON)
                .callback(cb -> {
                    cb.call(sources.outbound().evictedTableFull(), Direction.OUTBOUND.label, "table_full");
                    cb.call(sources.outbound().evictedReplaced(), Direction.OUTBOUND.label, "replaced");
                    cb.call(sources.inbound().evictedTableFull(), Direction.INBOUND.label, "table_full");
                    cb.call(sources.inbound().ackUntracked(), Direction.INBOUND.label, "ack_untracked");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.RTT_AMBIGUOUS)
                .help("Completed handshakes with no RTT sample: a retransmission made the answered packet"
                        + " unknowable (Karn's rule).")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    cb.call(sources.outbound().ambiguousRtt(), Direction.OUTBOUND.label);
                    cb.call(sources.inbound().ambiguousRtt(), Direction.INBOUND.label);
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_LATE)
                .help("SYN-ACKs that arrived after their outbound handshake was already counted as a timeout.")
                .callback(cb -> cb.call(sources.outbound().lateSynAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_ACK_MISMATCH)
                .help("SYN-ACKs for a pending outbound tuple whose ack did not acknowledge the pending SYN.")
                .callback(cb -> cb.call(sources.outbound().ackMismatches()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_UNMATCHED)
                .help("Incoming SYN-ACKs with no pending SYN (answered after it was forgotten, or a SYN not seen).")
                .callback(cb -> cb.call(sources.outbound().unmatchedSynAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.ACK_UNMATCHED)
                .help("Handshake-completing ACKs the kernel reported with no matching inbound handshake.")
                .callback(cb -> cb.call(sources.inbound().unmatchedAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.DRAIN_BATCHES)
                .help("Non-empty batches read from the ring buffer (one native call each).")
                .callback(cb -> cb.call(sources.drainBatches().getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.LAST_EVENT_TIMESTAMP_SECONDS)
                .help("Unix time of the newest handshake event read from the kernel; time() minus this is how"
                        + " long the exporter has seen no handshake.")
                .callback(cb -> {
                    long last = sources.lastEventNanos().getAsLong();
                    if (last != 0) {
                        cb.call(System.currentTimeMillis() / 1e3 - (System.nanoTime() - last) / 1e9);
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.PEER_SERIES_OVERFLOW)
                .help("Handshake observations whose peer address the label budget folded: into its prefix"
                        + " (fold=\"prefix\", the per-address budget was spent) or into peer=\"other\""
                        + " (fold=\"other\", the prefix budget too).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_FOLD)
                .callback(cb -> {
                    for (Direction direction : Direction.values()) {
                        PeerLabelSets<?> sets = sources.peerMetrics().labelSets(direction);
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
                        cb.call(sources.peerMetrics().labelSets(direction).size(), direction.label);
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.PEER_LABEL_SETS_EXPIRED)
                .help("Per-peer label sets removed after peers.idle_timeout without a handshake.")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    for (Direction direction : Direction.values()) {
                        cb.call(sources.peerMetrics().labelSets(direction).expired(), direction.label);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.INTERFACE_ATTACHED)
                .help("1 for each interface the TC program is attached to, with the attach mode (tcx or tc);"
                        + " 0 for a selected interface it is not attached to (attaching failed, or a named"
                        + " interface is missing), with the mode tried or an empty one.")
                .labelNames(MetricNames.LABEL_INTERFACE, MetricNames.LABEL_MODE)
                .callback(cb -> sources.attachedInterfaces().get()
                        .forEach(a -> cb.call(a.attached() ? 1 : 0, a.name(), a.mode())))
                .register(registry);
        Info buildInfo = Info.builder()
                .name(MetricNames.BUILD_INFO)
                .help("Version of tcplat-exporter and release of the kernel it runs on.")
                .labelNames("version", "kernel")
                .register(registry);
        buildInfo.setLabelValues(version, kernelRelease);
    }

    private static void kernelCounter(PrometheusRegistry registry, Sources sources, String name, int index,
            String help) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> {
                    long value = sources.kernelCounter().applyAsLong(index);
                    if (value >= 0) {
                        cb.call(value);
                    }
                })
                .register(registry);
    }
}
