package dev.tcplat.exporter.metrics;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code tcplat_build_info}: one series whose labels say what runs where. */
final class BuildInfoMetrics {
    private BuildInfoMetrics() {}

    static void register(PrometheusRegistry registry, String version, String kernelRelease) {
        Info.builder()
                .name(MetricNames.BUILD_INFO)
                .help("Version of tcplat-exporter and release of the kernel it runs on.")
                .labelNames("version", "kernel")
                .register(registry)
                .setLabelValues(version, kernelRelease);
    }
}
