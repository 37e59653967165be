package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What the two matchers hold and what they could not match: a family with a direction label
 * reads both matchers, the rest belong to one direction's matcher.
 */
final class MatcherMetrics {
    private MatcherMetrics() {}

    static void register(PrometheusRegistry registry, OutboundMatcher outbound, InboundMatcher inbound) {
        GaugeWithCallback.builder()
                .name(MetricNames.PENDING_HANDSHAKES)
                .help("Handshakes waiting for their answer, by direction.")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    cb.call(outbound.pendingCount(), Direction.OUTBOUND.label);
                    cb.call(inbound.pendingCount(), Direction.INBOUND.label);
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
                    cb.call(outbound.evictedTableFull(), Direction.OUTBOUND.label, "table_full");
                    cb.call(outbound.evictedReplaced(), Direction.OUTBOUND.label, "replaced");
                    cb.call(inbound.evictedTableFull(), Direction.INBOUND.label, "table_full");
                    cb.call(inbound.ackUntracked(), Direction.INBOUND.label, "ack_untracked");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.RTT_AMBIGUOUS)
                .help("Completed handshakes with no RTT sample: a retransmission made the answered packet"
                        + " unknowable (Karn's rule).")
                .labelNames(MetricNames.LABEL_DIRECTION)
                .callback(cb -> {
                    cb.call(outbound.ambiguousRtt(), Direction.OUTBOUND.label);
                    cb.call(inbound.ambiguousRtt(), Direction.INBOUND.label);
                })
                .register(registry);
        registerOutbound(registry, outbound);
        registerInbound(registry, inbound);
    }

    private static void registerOutbound(PrometheusRegistry registry, OutboundMatcher outbound) {
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_LATE)
                .help("SYN-ACKs that arrived after their outbound handshake was already counted as a timeout.")
                .callback(cb -> cb.call(outbound.lateSynAcks()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_ACK_MISMATCH)
                .help("SYN-ACKs for a pending outbound tuple whose ack did not acknowledge the pending SYN.")
                .callback(cb -> cb.call(outbound.ackMismatches()))
                .register(registry);
        CounterWithCallback.builder()
                .name(MetricNames.SYNACK_UNMATCHED)
                .help("Incoming SYN-ACKs with no pending SYN (answered after it was forgotten, or a SYN not seen).")
                .callback(cb -> cb.call(outbound.unmatchedSynAcks()))
                .register(registry);
    }

    private static void registerInbound(PrometheusRegistry registry, InboundMatcher inbound) {
        CounterWithCallback.builder()
                .name(MetricNames.ACK_UNMATCHED)
                .help("Handshake-completing ACKs the kernel reported with no matching inbound handshake.")
                .callback(cb -> cb.call(inbound.unmatchedAcks()))
                .register(registry);
    }
}
