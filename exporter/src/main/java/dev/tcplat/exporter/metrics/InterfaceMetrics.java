package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.iface.InterfaceAttachment;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;

/** Which selected interfaces the TC program is attached to, read from the reconciler at scrape time. */
final class InterfaceMetrics {
    private InterfaceMetrics() {}

    /** @param attachments each selected interface: attached with its mode, or not (mode tried, or "") */
    static void register(PrometheusRegistry registry, Supplier<List<InterfaceAttachment>> attachments) {
        GaugeWithCallback.builder()
                .name(MetricNames.INTERFACE_ATTACHED)
                .help("1 for each interface the TC program is attached to, with the attach mode (tcx or tc);"
                        + " 0 for a selected interface it is not attached to (attaching failed, or a named"
                        + " interface is missing), with the mode tried or an empty one.")
                .labelNames(MetricNames.LABEL_INTERFACE, MetricNames.LABEL_MODE)
                .callback(cb -> attachments.get().forEach(a -> cb.call(a.attached() ? 1 : 0, a.name(), a.mode())))
                .register(registry);
    }
}
