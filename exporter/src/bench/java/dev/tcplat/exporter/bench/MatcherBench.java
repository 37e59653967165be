package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.HandshakeEvent;
import dev.tcplat.exporter.match.HandshakeEvent.Kind;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.match.Tuple;
import dev.tcplat.exporter.metrics.PeerMetrics;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Java side per handshake, without the kernel: one matched outbound pair (SYN, then its
 * SYN-ACK) through the matcher into the per-peer histograms, against client_java's classic
 * histogram observe alone; and a whole drain batch of the benchmark event mix through the decoder.
 * Run with {@code -prof gc} for allocation per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class MatcherBench {
    private static final int TUPLES = 16384;
    private static final int PEERS = 1000;
    private static final int BATCH = 256;

    private PeerMetrics peerMetrics;
    private OutboundMatcher matcher;
    private OutboundMatcher matcherAlone;
    private DistributionDataPoint classic;
    private DistributionDataPoint[] classicPeers;
    private long[] remoteHi;
    private int[] localPort;
    private int next;
    private long clock;
    private final HandshakeEvent event = new HandshakeEvent();
    private final Tuple tuple = new Tuple().family(4).local(0x0a00000100000000L, 0, 40000);

    private Pipeline pipeline;
    private ByteBuffer batch;
    private EventMix mix;

    @Setup(Level.Trial)
    public void setUp() {
        PrometheusRegistry registry = new PrometheusRegistry();
        peerMetrics = new PeerMetrics(registry, Pipeline.EVERY_PEER, System.nanoTime());
        matcher = new OutboundMatcher(Pipeline.DEFAULT_CAPACITY, Pipeline.DEFAULT_TIMEOUT_NS, peerMetrics);
        matcherAlone = new OutboundMatcher(Pipeline.DEFAULT_CAPACITY, Pipeline.DEFAULT_TIMEOUT_NS, new NullListener());
        Histogram histogram = Histogram.builder().name("classic_seconds").labelNames("peer").classicOnly()
                .classicUpperBounds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                        0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        classic = histogram.labelValues("10.1.0.1");
        classicPeers = new DistributionDataPoint[PEERS];
        for (int p = 0; p < PEERS; p++) {
            classicPeers[p] = histogram.labelValues("10.1." + (p >> 8) + "." + (p & 0xff));
        }
        remoteHi = new long[TUPLES];
        localPort = new int[TUPLES];
        for (int t = 0; t < TUPLES; t++) {
            remoteHi[t] = (0x0a010000L | (t % PEERS)) << 32;
            localPort[t] = 32768 + t;
        }
        pipeline = new Pipeline();
        batch = EventMix.buffer(BATCH);
        mix = new EventMix(TUPLES, PEERS);
    }

    /** One outbound handshake: SYN opens, SYN-ACK matches, RTT and connect duration observed. */
    @Benchmark
    public void matchedPair() {
        pair(matcher);
    }

    /** The same pair with outcomes discarded: the matcher's share of {@link #matchedPair}. */
    @Benchmark
    public void matchedPairWithoutMetrics() {
        pair(matcherAlone);
    }

    private void pair(OutboundMatcher matcher) {
        int t = next;
        next = (t + 1) & (TUPLES - 1);
        long syn = clock += 1000;
        int seq = t * 0x9e3779b9;
        // Filled the way the decoder fills its one event: no allocation per packet.
        event.tuple().family(4).local(0x0a00000100000000L, 0, localPort[t]).remote(remoteHi[t], 0, 443);
        matcher.onSyn(event.reset(Kind.SYN, true, syn).sequence(seq, 0, false).timestamps(true, t, 0));
        matcher.onSynAck(event.reset(Kind.SYN_ACK, false, syn + 250_000).sequence(0, seq + 1, true)
                .timestamps(true, 0, t));
    }

    /**
     * What recording a matched pair costs the metrics alone: the peer's label set looked up and
     * its RTT and connect duration observed, over the same 1 000 peers as {@link #matchedPair}.
     */
    @Benchmark
    public void peerMetricsPair() {
        int t = next;
        next = (t + 1) & (TUPLES - 1);
        long rtt = (clock += 1000) % 1_000_000;
        peerMetrics.onHandshake(Direction.OUTBOUND, tuple.remote(remoteHi[t], 0, 443), rtt, rtt + 1000);
    }

    /** client_java's classic histogram, one cached data point, one observation. */
    @Benchmark
    public void classicObserve() {
        classic.observe((clock += 1000) % 1_000_000 / 1e9);
    }

    /** The same, cycling through one cached data point per peer: the working set matchedPair has. */
    @Benchmark
    public void classicObserveManyPeers() {
        int t = next;
        next = (t + 1) & (TUPLES - 1);
        classicPeers[t % PEERS].observe((clock += 1000) % 1_000_000 / 1e9);
    }

    /** One event of the mix through the decoder, matchers and histograms (per-event figure). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeBatch() {
        mix.fill(batch, BATCH);
        pipeline.decoder.decode(batch, BATCH);
    }

    /** Writing the mix alone, to subtract from {@link #decodeBatch}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int fillBatch() {
        return mix.fill(batch, BATCH);
    }
}
