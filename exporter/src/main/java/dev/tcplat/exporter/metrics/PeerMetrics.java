package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.HandshakeListener;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-peer series: handshake RTT, connect duration, SYN retransmits and failures, labelled
 * {@code direction} and {@code peer}; and the inbound SYN → SYN-ACK turnaround, labelled
 * {@code peer}.
 *
 * <p>Histograms are classic only and without exemplars: client_java's builder otherwise keeps a native
 * histogram next to the classic one, whose sparse buckets box an Integer per observation, and an
 * exemplar sampler that schedules a task; together about 8x the cost of the classic observation
 * and 33 bytes of garbage per handshake (BENCHMARKS.md, item 5).
 *
 * <p>Each peer's data points are cached under its binary address, so the hot path neither formats
 * the address nor looks the label set up again: a hit is one hash lookup with a reused key object
 * and one observation. Runs on the drain thread only.
 */
public final class PeerMetrics implements HandshakeListener {
    /** 50 µs (same host, veth) to 10 s (a SYN retransmitted several times), in seconds. */
    static final double[] LATENCY_BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    /** Connect durations include SYN retransmission timeouts (1 s, 3 s, 7 s, ... after the first SYN). */
    static final double[] CONNECT_BUCKETS = {
        0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 4, 8, 16, 32, 64, 128
    };

    private final Histogram rtt;
    private final Histogram connect;
    private final Histogram synToSynAck;
    private final Counter synRetransmits;
    private final Counter synAckRetransmits;
    private final Counter failures;
    private final Map<PeerKey, PeerSeries> outbound = new HashMap<>();
    private final Map<PeerKey, PeerSeries> inbound = new HashMap<>();
    private final PeerKey lookup = new PeerKey();

    public PeerMetrics(PrometheusRegistry registry) {
        rtt = Histogram.builder()
                .name(MetricNames.HANDSHAKE_RTT_SECONDS)
                .help("Network round trip of the TCP handshake per remote peer, kernel timestamps on the watched"
                        + " interface: outbound SYN out to SYN-ACK in, inbound SYN-ACK out to ACK in"
                        + " (retransmission waits excluded).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .classicUpperBounds(LATENCY_BUCKETS)
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        connect = Histogram.builder()
                .name(MetricNames.CONNECT_DURATION_SECONDS)
                .help("Time from the first SYN to the handshake's answer (SYN-ACK outbound, ACK inbound) per"
                        + " remote peer: what the connecting side waited, SYN retransmission timeouts included.")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .classicUpperBounds(CONNECT_BUCKETS)
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        synToSynAck = Histogram.builder()
                .name(MetricNames.SYN_TO_SYNACK_SECONDS)
                .help("This host's own turnaround for inbound handshakes: client's SYN in to this host's SYN-ACK"
                        + " out, per remote peer. Not network latency: stack, accept queue and SYN cookie time.")
                .labelNames(MetricNames.LABEL_PEER)
                .classicUpperBounds(LATENCY_BUCKETS)
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        synRetransmits = Counter.builder()
                .name(MetricNames.SYN_RETRANSMITS)
                .help("SYNs sent again for a handshake still waiting for its answer, per remote peer"
                        + " (outbound: by this host; inbound: by the client).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .withoutExemplars()
                .register(registry);
        synAckRetransmits = Counter.builder()
                .name(MetricNames.SYNACK_RETRANSMITS)
                .help("SYN-ACKs sent again for a handshake still waiting for its ACK, per remote peer (inbound:"
                        + " by this host).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .withoutExemplars()
                .register(registry);
        failures = Counter.builder()
                .name(MetricNames.HANDSHAKE_FAILURES)
                .help("Handshakes that failed, per remote peer and reason: timeout (no answer within"
                        + " --handshake.timeout) or reset (the SYN was answered with a RST).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER, MetricNames.LABEL_REASON)
                .withoutExemplars()
                .register(registry);
    }

    @Override
    public void onHandshake(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            long rttNanos, long connectNanos) {
        PeerSeries series = series(direction, family, remoteHi, remoteLo);
        if (rttNanos >= 0) {
            series.rtt.observe(rttNanos / 1e9);
        }
        series.connect.observe(connectNanos / 1e9);
    }

    @Override
    public void onSynToSynAck(int family, long remoteHi, long remoteLo, int remotePort, long nanos) {
        series(Direction.INBOUND, family, remoteHi, remoteLo).synToSynAck.observe(nanos / 1e9);
    }

    @Override
    public void onSynRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) {
        series(direction, family, remoteHi, remoteLo).synRetransmits.inc();
    }

    @Override
    public void onSynAckRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) {
        series(direction, family, remoteHi, remoteLo).synAckRetransmits.inc();
    }

    @Override
    public void onFailure(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            Failure failure) {
        series(direction, family, remoteHi, remoteLo).failures[failure.ordinal()].inc();
    }

    private PeerSeries series(Direction direction, int family, long hi, long lo) {
        Map<PeerKey, PeerSeries> cache = direction == Direction.OUTBOUND ? outbound : inbound;
        lookup.set(family, hi, lo);
        PeerSeries series = cache.get(lookup);
        if (series == null) {
            series = new PeerSeries(direction, PeerAddressFormat.format(family, hi, lo));
            cache.put(lookup.copy(), series);
        }
        return series;
    }

    /** The data points of one (direction, peer). */
    private final class PeerSeries {
        final DistributionDataPoint rtt;
        final DistributionDataPoint connect;
        /** inbound only */
        final DistributionDataPoint synToSynAck;
        final CounterDataPoint synRetransmits;
        final CounterDataPoint synAckRetransmits;
        final CounterDataPoint[] failures = new CounterDataPoint[Failure.values().length];

        PeerSeries(Direction direction, String peer) {
            rtt = PeerMetrics.this.rtt.labelValues(direction.label, peer);
            connect = PeerMetrics.this.connect.labelValues(direction.label, peer);
            synToSynAck = direction == Direction.INBOUND ? PeerMetrics.this.synToSynAck.labelValues(peer) : null;
            synRetransmits = PeerMetrics.this.synRetransmits.labelValues(direction.label, peer);
            synAckRetransmits = PeerMetrics.this.synAckRetransmits.labelValues(direction.label, peer);
            for (Failure failure : Failure.values()) {
                failures[failure.ordinal()] = PeerMetrics.this.failures.labelValues(direction.label, peer, failure.label);
            }
        }
    }

    /** A peer's binary address; mutable so lookups can reuse one instance. */
    private static final class PeerKey {
        private int family;
        private long hi;
        private long lo;

        void set(int family, long hi, long lo) {
            this.family = family;
            this.hi = hi;
            this.lo = lo;
        }

        PeerKey copy() {
            PeerKey key = new PeerKey();
            key.set(family, hi, lo);
            return key;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof PeerKey)) {
                return false;
            }
            PeerKey that = (PeerKey) other;
            return family == that.family && hi == that.hi && lo == that.lo;
        }

        @Override
        public int hashCode() {
            long h = hi * 31 + lo;
            return (int) (h ^ (h >>> 32)) * 31 + family;
        }
    }
}
