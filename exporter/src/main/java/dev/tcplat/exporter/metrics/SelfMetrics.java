package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.iface.InterfaceAttachment;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.pipeline.EventDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How the exporter itself is doing, registered from here, one class per component. Every value is
 * read at scrape time through a callback from the component that owns it, so there is no
 * background poller and no second copy to drift.
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

    /**
     * Events per non-empty batch: how hard the drain thread works for each native call. Apart
     * from {@link #register}, because the drainer that feeds it exists before the sources do.
     */
    public static IntConsumer drainBatchSizes(PrometheusRegistry registry) {
        return DrainerMetrics.batchSizes(registry);
    }

    public static void register(PrometheusRegistry registry, Sources sources, String version, String kernelRelease) {
        DecoderEventMetrics.register(registry, sources.decoder());
        KernelCounterMetrics.register(registry, sources.kernelCounter());
        MatcherMetrics.register(registry, sources.outbound(), sources.inbound());
        DrainerMetrics.register(registry, sources.drainBatches(), sources.lastEventNanos());
        PeerBudgetMetrics.register(registry, sources.peerMetrics());
        InterfaceMetrics.register(registry, sources.attachedInterfaces());
        BuildInfoMetrics.register(registry, version, kernelRelease);
    }
}
