package dev.tcplat.exporter;

import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.config.ExporterConfig;
import dev.tcplat.exporter.iface.InterfaceReconciler;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.metrics.PeerMetrics;
import dev.tcplat.exporter.metrics.SelfMetrics;
import dev.tcplat.exporter.pipeline.Drainer;
import dev.tcplat.exporter.pipeline.EventDecoder;
import dev.tcplat.exporter.pipeline.KernelSynAckForgetter;
import dev.tcplat.exporter.web.MetricsServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running exporter: starts its parts in dependency order (probe, attachments, matcher and
 * metrics, drainer, HTTP) and closes them in reverse, whichever way it ends. A failed start
 * undoes what already started, so nothing is left attached.
 */
final class Exporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Exporter.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private volatile boolean closed;
    /**
     * Set once the interfaces selected at start are attached and events are drained: what
     * {@code /-/ready} reports.
     */
    private volatile boolean ready;

    /** @param onDrainFailure run if reading events fails after start */
    static Exporter start(ExporterConfig config, Runnable onDrainFailure) throws ProbeException, IOException {
        Exporter exporter = new Exporter();
        try {
            exporter.startParts(config, onDrainFailure);
            return exporter;
        } catch (ProbeException | IOException | RuntimeException e) {
            exporter.close();
            throw e;
        }
    }

    private void startParts(ExporterConfig config, Runnable onDrainFailure) throws ProbeException, IOException {
        Probe probe = Probe.open(config.ringbufBytes());
        started.add(probe);
        InterfaceReconciler interfaces = InterfaceReconciler.start(probe, config.interfaceSelector(),
                config.attachMode());
        started.add(interfaces);

        PrometheusRegistry registry = new PrometheusRegistry();
        PeerMetrics peerMetrics = new PeerMetrics(registry, config.metrics(), System.nanoTime());
        log.info("per-peer series are bounded at {} ({} label sets a direction)", config.metrics().maxSeries(),
                config.metrics().labelSetsPerDirection());
        long timeout = config.handshakeTimeout().toNanos();
        OutboundMatcher outbound = new OutboundMatcher(config.pendingCapacity(), timeout, peerMetrics);
        InboundMatcher inbound = new InboundMatcher(config.pendingCapacity(), timeout, peerMetrics,
                new KernelSynAckForgetter(probe));
        EventDecoder decoder = new EventDecoder(outbound, inbound, peerMetrics::expire);
        Drainer drainer = new Drainer(probe, decoder, System::nanoTime, onDrainFailure,
                SelfMetrics.drainBatchSizes(registry));
        SelfMetrics.register(registry, new SelfMetrics.Sources(outbound, inbound, decoder, drainer::batches,
                probe::counter, interfaces::attachments, peerMetrics, drainer::lastEventNanos), Version.exporter(),
                Version.kernelRelease());
        JvmMetrics.builder().register(registry);
        drainer.start();
        started.add(drainer);

        ready = true;
        MetricsServer server = MetricsServer.start(config.listenAddress(), config.telemetryPath(), registry,
                config.web(), Version.exporter(), () -> ready && !closed);
        started.add(server);
        log.info("serving metrics on {}{}", config.listenAddress(), config.telemetryPath());
    }

    /**
     * Stops everything in reverse start order: HTTP, drainer (joined), interface follower (joined,
     * then detach), free the probe.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.getMessage());
            }
        }
        started.clear();
    }
}
