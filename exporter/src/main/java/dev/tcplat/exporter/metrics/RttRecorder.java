package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.match.HandshakeListener;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Records matched handshakes into {@code tcplat_handshake_rtt_seconds{direction,peer}}.
 *
 * <p>The data point of each peer is cached under its binary address, so the hot path neither
 * formats the address nor looks the label set up again: a hit is one hash lookup with a reused
 * key object and one {@code observe}. Runs on the drain thread only.
 */
public final class RttRecorder implements HandshakeListener {
    /** 50 µs (same host, veth) to 10 s (a SYN retransmitted several times), in seconds. */
    static final double[] RTT_BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private final Histogram rtt;
    private final Map<PeerKey, DistributionDataPoint> outbound = new HashMap<>();
    private final PeerKey probe = new PeerKey();

    public RttRecorder(PrometheusRegistry registry) {
        rtt = Histogram.builder()
                .name(MetricNames.HANDSHAKE_RTT_SECONDS)
                .help("Time from a SYN leaving this host to the peer's SYN-ACK arriving, per remote peer"
                        + " (kernel timestamps on the watched interface).")
                .labelNames(MetricNames.LABEL_DIRECTION, MetricNames.LABEL_PEER)
                .classicUpperBounds(RTT_BUCKETS)
                .register(registry);
    }

    @Override
    public void onOutboundHandshake(int family, long remoteHi, long remoteLo, int remotePort, long rttNanos) {
        probe.set(family, remoteHi, remoteLo);
        DistributionDataPoint point = outbound.get(probe);
        if (point == null) {
            String peer = PeerAddressFormat.format(family, remoteHi, remoteLo);
            point = rtt.labelValues(MetricNames.DIRECTION_OUTBOUND, peer);
            outbound.put(probe.copy(), point);
        }
        point.observe(rttNanos / 1e9);
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
