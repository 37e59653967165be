package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.bpf.EventDecoder;
import dev.tcplat.exporter.match.HandshakeMatcher;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How the exporter itself is doing. Every value is read at scrape time through a callback from
 * the component that owns it, so there is no background poller and no second copy to drift.
 */
public final class SelfMetrics {
    private SelfMetrics() {}

    /**
     * @param ringbufDrops kernel counter of events lost to a full ring buffer
     * @param attachedInterfaces interface name → attach mode ("tcx" or "tc")
     */
    public static void register(PrometheusRegistry registry, HandshakeMatcher matcher, EventDecoder decoder,
            LongSupplier drainBatches, LongSupplier ringbufDrops, Supplier<Map<String, String>> attachedInterfaces,
            String version, String kernelRelease) {
        CounterWithCallback.builder()
                .name(MetricNames.EVENTS)
                .help("Handshake events received from the kernel, by TCP packet kind.")
                .labelNames(MetricNames.LABEL_KIND)
                .callback(cb -> {
                    cb.call(decoder.synEvents(), "syn");
                    cb.call(decoder.synAckEvents(), "synack");
                    cb.call(decoder.rstEvents(), "rst");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.RINGBUF_DROPPED_EVENTS)
                .help("Handshake events the kernel could not queue because the ring buffer was full;"
                        + " raise --ringbuf.size if this grows.")
                .callback(cb -> {
                    long drops = ringbufDrops.getAsLong();
                    if (drops >= 0) {
                        cb.call(drops);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.PENDING_HANDSHAKES)
                .help("SYNs sent by this host that are waiting for their SYN-ACK.")
                .callback(cb -> cb.call(matcher.pendingCount()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.PENDING_EVICTED)
                .help("SYNs the pending table could not follow: table_full (not stored, --pending.capacity"
                        + " reached), replaced (a new connection reused the tuple before an answer).")
                .labelNames(MetricNames.LABEL_REASON)
                .callback(cb -> {
                    cb.call(matcher.evictedTableFull(), "table_full");
                    cb.call(matcher.evictedReplaced(), "replaced");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.RTT_AMBIGUOUS)
                .help("Answered handshakes with no RTT sample: the SYN was retransmitted and the SYN-ACK"
                        + " carried no timestamp naming the SYN it answers (Karn's rule).")
                .callback(cb -> cb.call(matcher.ambiguousRtt()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_LATE)
                .help("SYN-ACKs that arrived after their handshake was already counted as a timeout.")
                .callback(cb -> cb.call(matcher.lateSynAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_ACK_MISMATCH)
                .help("SYN-ACKs for a pending tuple whose ack did not acknowledge the pending SYN.")
                .callback(cb -> cb.call(matcher.ackMismatches()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_UNMATCHED)
                .help("Incoming SYN-ACKs with no pending SYN (answered after expiry, or a SYN not seen).")
                .callback(cb -> cb.call(matcher.unmatchedSynAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.DRAIN_BATCHES)
                .help("Non-empty batches read from the ring buffer (one native call each).")
                .callback(cb -> cb.call(drainBatches.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(MetricNames.INTERFACE_ATTACHED)
                .help("1 for each interface the TC program is attached to, with the attach mode (tcx or tc).")
                .labelNames(MetricNames.LABEL_INTERFACE, MetricNames.LABEL_MODE)
                .callback(cb -> attachedInterfaces.get().forEach((name, mode) -> cb.call(1, name, mode)))
                .register(registry);
        Info buildInfo = Info.builder()
                .name(MetricNames.BUILD_INFO)
                .help("Version of tcplat-exporter and release of the kernel it runs on.")
                .labelNames("version", "kernel")
                .register(registry);
        buildInfo.setLabelValues(version, kernelRelease);
    }
}
