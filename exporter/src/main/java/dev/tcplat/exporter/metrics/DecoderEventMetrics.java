package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.pipeline.EventDecoder;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The events the decoder received, by kind. {@code unknown} counts records whose kind this
 * exporter does not know: nonzero means the BPF object and the exporter disagree on the ABI.
 */
final class DecoderEventMetrics {
    private DecoderEventMetrics() {}

    static void register(PrometheusRegistry registry, EventDecoder decoder) {
        CounterWithCallback.builder()
                .name(MetricNames.EVENTS)
                .help("Handshake events received from the kernel, by TCP packet kind.")
                .labelNames(MetricNames.LABEL_KIND)
                .callback(cb -> {
                    cb.call(decoder.synEvents(), "syn");
                    cb.call(decoder.synAckEvents(), "synack");
                    cb.call(decoder.rstEvents(), "rst");
                    cb.call(decoder.ackEvents(), "ack");
                    cb.call(decoder.unknownEvents(), "unknown");
                })
                .register(registry);
    }
}
