package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.HandshakeListener;
import dev.tcplat.exporter.match.Tuple;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-peer series: handshake RTT, connect duration, SYN and SYN-ACK retransmits and failures,
 * labelled {@code direction} and {@code peer} (and {@code port}, the server port, when
 * configured); and the inbound SYN → SYN-ACK turnaround, labelled {@code peer} (and {@code port}).
 * Which {@code peer} value an address gets, within a budget, is {@link PeerLabelSets}' business.
 *
 * <p>Histograms are classic only and without exemplars unless native histograms are configured:
 * client_java's native histogram boxes an Integer per observation in its sparse buckets, about 8x
 * the cost of the classic observation and 33 bytes of garbage per handshake (BENCHMARKS.md,
 * item 5). That is why native histograms are off by default, and classic ones are
 * {@link SingleWriterHistogram}s, since only the drain thread observes.
 *
 * <p>Each label set's data points are created once and kept with it, so the hot path neither
 * formats an address nor looks label values up: one group scan, one hash lookup with a reused key
 * object, one observation. Runs on the drain thread only.
 */
public final class PeerMetrics implements HandshakeListener {
    private final boolean portLabel;
    private final HistogramFamily rtt;
    private final HistogramFamily connect;
    private final HistogramFamily synToSynAck;
    private final Counter synRetransmits;
    private final Counter synAckRetransmits;
    private final Counter failures;
    private final PeerLabelSets<PeerSeries> outbound;
    private final PeerLabelSets<PeerSeries> inbound;

    public PeerMetrics(PrometheusRegistry registry, MetricsConfig config, long nowNs) {
        portLabel = config.portLabel();
        double[] rttBuckets = config.rttBuckets().stream().mapToDouble(Double::doubleValue).toArray();
        double[] connectBuckets = MetricsConfig.CONNECT_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray();
        rtt = histogram(registry, config, MetricNames.HANDSHAKE_RTT_SECONDS,
                "Network round trip of the TCP handshake per remote peer, kernel timestamps on the watched"
                        + " interface: outbound SYN out to SYN-ACK in, inbound SYN-ACK out to ACK in"
                        + " (retransmission waits excluded).", rttBuckets, true);
        connect = histogram(registry, config, MetricNames.CONNECT_DURATION_SECONDS,
                "Time from the first SYN to the handshake's answer (SYN-ACK outbound, ACK inbound) per"
                        + " remote peer: what the connecting side waited, SYN retransmission timeouts included.",
                connectBuckets, true);
        synToSynAck = histogram(registry, config, MetricNames.SYN_TO_SYNACK_SECONDS,
                "This host's own turnaround for inbound handshakes: client's SYN in to this host's SYN-ACK"
                        + " out, per remote peer. Not network latency: stack, accept queue and SYN cookie time.",
                rttBuckets, false);
        synRetransmits = Counter.builder()
                .name(MetricNames.SYN_RETRANSMITS)
                .help("SYNs sent again for a handshake still waiting for its answer, per remote peer"
                        + " (outbound: by this host; inbound: by the client).")
                .labelNames(labelNames(true))
                .withoutExemplars()
                .register(registry);
        synAckRetransmits = Counter.builder()
                .name(MetricNames.SYNACK_RETRANSMITS)
                .help("SYN-ACKs sent again for a handshake still waiting for its ACK, per remote peer (inbound:"
                        + " by this host).")
                .labelNames(labelNames(true))
                .withoutExemplars()
                .register(registry);
        List<String> failureLabels = new ArrayList<>(List.of(labelNames(true)));
        failureLabels.add(MetricNames.LABEL_REASON);
        failures = Counter.builder()
                .name(MetricNames.HANDSHAKE_FAILURES)
                .help("Handshakes that failed, per remote peer and reason: timeout (no answer within"
                        + " --handshake.timeout) or reset (the SYN was answered with a RST).")
                .labelNames(failureLabels.toArray(String[]::new))
                .withoutExemplars()
                .register(registry);
        outbound = new PeerLabelSets<>(config, factory(Direction.OUTBOUND), nowNs);
        inbound = new PeerLabelSets<>(config, factory(Direction.INBOUND), nowNs);
    }

    /**
     * Classic-only histograms are written by the drain thread alone, so they use the single-writer
     * histogram; native histograms need client_java's.
     */
    private HistogramFamily histogram(PrometheusRegistry registry, MetricsConfig config, String name, String help,
            double[] buckets, boolean withDirection) {
        if (!config.nativeHistograms()) {
            SingleWriterHistogram histogram = new SingleWriterHistogram(name, help, labelNames(withDirection), buckets);
            registry.register(histogram);
            return histogram;
        }
        Histogram histogram = Histogram.builder()
                .name(name)
                .help(help)
                .labelNames(labelNames(withDirection))
                .classicUpperBounds(buckets)
                .withoutExemplars()
                .register(registry);
        return new HistogramFamily() {
            @Override
            public DistributionDataPoint labelValues(String... values) {
                return histogram.labelValues(values);
            }

            @Override
            public void remove(String... values) {
                histogram.remove(values);
            }
        };
    }

    private String[] labelNames(boolean withDirection) {
        List<String> names = new ArrayList<>();
        if (withDirection) {
            names.add(MetricNames.LABEL_DIRECTION);
        }
        names.add(MetricNames.LABEL_PEER);
        if (portLabel) {
            names.add(MetricNames.LABEL_PORT);
        }
        return names.toArray(String[]::new);
    }

    private PeerLabelSets.SeriesFactory<PeerSeries> factory(Direction direction) {
        return new PeerLabelSets.SeriesFactory<>() {
            @Override
            public PeerSeries create(String peer, String port) {
                return new PeerSeries(direction, peer, port);
            }

            @Override
            public void remove(PeerSeries series) {
                series.remove();
            }
        };
    }

    @Override
    public void onHandshake(Direction direction, Tuple tuple, long rttNanos, long connectNanos) {
        PeerSeries series = series(direction, tuple);
        if (rttNanos >= 0) {
            series.rtt.observe(rttNanos / 1e9);
        }
        series.connect.observe(connectNanos / 1e9);
    }

    @Override
    public void onSynToSynAck(Tuple tuple, long nanos) {
        series(Direction.INBOUND, tuple).synToSynAck.observe(nanos / 1e9);
    }

    @Override
    public void onSynRetransmit(Direction direction, Tuple tuple) {
        series(direction, tuple).synRetransmits.inc();
    }

    @Override
    public void onSynAckRetransmit(Direction direction, Tuple tuple) {
        series(direction, tuple).synAckRetransmits.inc();
    }

    @Override
    public void onFailure(Direction direction, Tuple tuple, Failure failure) {
        series(direction, tuple).failures[failure.ordinal()].inc();
    }

    /** Removes label sets idle for the configured time, so they go stale; kernel clock. */
    public void expire(long nowNs) {
        outbound.expire(nowNs);
        inbound.expire(nowNs);
    }

    /** The label sets of a direction, for the self-metrics of the budget. */
    PeerLabelSets<?> labelSets(Direction direction) {
        return direction == Direction.OUTBOUND ? outbound : inbound;
    }

    private PeerSeries series(Direction direction, Tuple tuple) {
        return (direction == Direction.OUTBOUND ? outbound : inbound).series(tuple.family(), tuple.remoteHi(),
                tuple.remoteLo(), tuple.serverPort(direction));
    }

    /** The data points of one label set. */
    private final class PeerSeries {
        final String[] labels;
        final String[] peerLabels;
        final DistributionDataPoint rtt;
        final DistributionDataPoint connect;
        /** inbound only */
        final DistributionDataPoint synToSynAck;
        final CounterDataPoint synRetransmits;
        final CounterDataPoint synAckRetransmits;
        final CounterDataPoint[] failures = new CounterDataPoint[Failure.values().length];

        PeerSeries(Direction direction, String peer, String port) {
            labels = port == null ? new String[] {direction.label, peer} : new String[] {direction.label, peer, port};
            peerLabels = port == null ? new String[] {peer} : new String[] {peer, port};
            rtt = PeerMetrics.this.rtt.labelValues(labels);
            connect = PeerMetrics.this.connect.labelValues(labels);
            synToSynAck = direction == Direction.INBOUND ? PeerMetrics.this.synToSynAck.labelValues(peerLabels) : null;
            synRetransmits = PeerMetrics.this.synRetransmits.labelValues(labels);
            synAckRetransmits = PeerMetrics.this.synAckRetransmits.labelValues(labels);
            for (Failure failure : Failure.values()) {
                failures[failure.ordinal()] = PeerMetrics.this.failures.labelValues(withReason(failure));
            }
        }

        private String[] withReason(Failure failure) {
            String[] values = Arrays.copyOf(labels, labels.length + 1);
            values[labels.length] = failure.label;
            return values;
        }

        void remove() {
            PeerMetrics.this.rtt.remove(labels);
            PeerMetrics.this.connect.remove(labels);
            if (synToSynAck != null) {
                PeerMetrics.this.synToSynAck.remove(peerLabels);
            }
            PeerMetrics.this.synRetransmits.remove(labels);
            PeerMetrics.this.synAckRetransmits.remove(labels);
            for (Failure failure : Failure.values()) {
                PeerMetrics.this.failures.remove(withReason(failure));
            }
        }
    }
}
