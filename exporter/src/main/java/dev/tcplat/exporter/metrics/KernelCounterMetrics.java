package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.bpf.EventLayout;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntToLongFunction;

/** The BPF program's own per-CPU counters: what the kernel could not hand over. */
final class KernelCounterMetrics {
    private KernelCounterMetrics() {}

    /** @param counter a kernel counter by EventLayout.COUNTER_* index; negative when unavailable */
    static void register(PrometheusRegistry registry, IntToLongFunction counter) {
        register(registry, counter, MetricNames.RINGBUF_DROPPED_EVENTS, EventLayout.COUNTER_RINGBUF_FULL,
                "Handshake events the kernel could not queue because the ring buffer was full;"
                        + " raise --ringbuf.size if this grows.");
        register(registry, counter, MetricNames.SYNACK_TABLE_FULL, EventLayout.COUNTER_SYNACK_TABLE_FULL,
                "SYN-ACKs sent while the kernel's table of answered inbound handshakes was full: their ACK"
                        + " goes unseen, so the handshake ends without an outcome (evicted, reason ack_untracked).");
    }

    private static void register(PrometheusRegistry registry, IntToLongFunction counter, String name, int index,
            String help) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> {
                    long value = counter.applyAsLong(index);
                    if (value >= 0) {
                        cb.call(value);
                    }
                })
                .register(registry);
    }
}
