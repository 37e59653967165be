package dev.tcplat.exporter.metrics;

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
 * {@code direction} and {@code peer}.
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
    private final Counter synRetransmits;
    private final Counter failures;
    private final Map<PeerKey, PeerSeries> outbound = new HashMap<>();
    private final PeerKey lookup = new PeerKey();

    public PeerMetrics(PrometheusRegistry registry) {
        rtt = Histogram.builder()
                .name(MetricNames.HANDSHAKE_RTT_SECONDS)
                .help("Time from a SYN leaving this host to the peer's SYN-ACK answering that SYN, per remote"
                        + " peer (kernel timestamps on the watched interface; retransmission waits excluded).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        connect = Histogram.builder()
                .name(MetricNames.CONNECT_DURATION_SECONDS)
                .help("Time from the first SYN to the SYN-ACK, per remote peer: what the connecting"
                        + " application waited, SYN retransmission timeouts included.")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .classicUpperBounds(CONNECT_BUCKETS)
                .register(registry);
        synRetransmits = Counter.builder()
                .name(MetricNames.SYN_RETRANSMITS)
                .help("SYNs sent again for a handshake still waiting for its SYN-ACK, per remote peer.")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .register(registry);
        failures = Counter.builder()
                .name(MetricNames.HANDSHAKE_FAILURES)
                .help("Handshakes that failed, per remote peer and reason: timeout (no SYN-ACK within"
                        + " --handshake.timeout) or reset (the peer answered the SYN with a RST).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER, MetricNames.LABEL_REASON)
                .register(registry);
    }

    @Override
    public void onOutboundHandshake(int family, long remoteHi, long remoteLo, int remotePort, long rttNanos,
            long connectNanos) {
        PeerSeries series = outbound(family, remoteHi, remoteLo);
        if (rttNanos >= 0) {
            series.rtt.observe(rttNanos / 1e9);
        }
        series.connect.observe(connectNanos / 1e9);
    }

    @Override
    public void onOutboundSynRetransmit(int family, long remoteHi, long remoteLo, int remotePort) {
        outbound(family, remoteHi, remoteLo).synRetransmits.inc();
    }

    @Override
    public void onOutboundFailure(int family, long remoteHi, long remoteLo, int remotePort, Failure failure) {
        PeerSeries series = outbound(family, remoteHi, remoteLo);
        series.failures[failure.ordinal()].inc();
    }

    private PeerSeries outbound(int family, long hi, long lo) {
        lookup.set(family, hi, lo);
        PeerSeries series = outbound.get(lookup);
        if (series == null) {
            series = new PeerSeries(MetricNames.DIRECTION_OUTBOUND, PeerAddressFormat.format(family, hi, lo));
            outbound.put(lookup.copy(), series);
        }
        return series;
    }

    /** The data points of one (direction, peer). */
    private final class PeerSeries {
        final DistributionDataPoint rtt;
        final DistributionDataPoint connect;
        final CounterDataPoint synRetransmits;
        final CounterDataPoint[] failures = new CounterDataPoint[Failure.values().length];

        PeerSeries(String direction, String peer) {
            rtt = PeerMetrics.this.rtt.labelValues(direction, peer);
            connect = PeerMetrics.this.connect.labelValues(direction, peer);
            synRetransmits = PeerMetrics.this.synRetransmits.labelValues(direction, peer);
            for (Failure failure : Failure.values()) {
                failures[failure.ordinal()] = PeerMetrics.this.failures.labelValues(direction, peer, failure.label);
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
