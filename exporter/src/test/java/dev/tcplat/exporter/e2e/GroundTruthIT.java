package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Latency and outcomes against a known truth. There is no netem here, so the delay comes from
 * the {@link TunPeer}: as a server it answers SYNs a chosen time after reading them, as a client
 * it answers the namespace's SYN-ACKs a chosen time later, or never, or meets a closed port.
 * The fake peer times each delay it injects itself, from reading a packet to writing the answer,
 * on the clock the TC program stamps packets with (CLOCK_MONOTONIC). The exporter watches the
 * tun, so what it measures of a handshake is that handshake's injected delay plus the fake peer's
 * own reaction (waking up on the tun, 0.05 to 0.2 ms on a virtual machine), and
 * never less. Each handshake's measured value is read from the histogram's sum (see
 * {@link HandshakeSamples}) and set beside its own injected delay. No handshake may come out
 * shorter than its truth; and the median excess of a round with the delay under test, less the
 * median excess of a round with a 1 ms delay (the reaction time, measured in the same run on the
 * same path), must be within {@link #TOLERANCE_SECONDS}. A stall of a busy machine lengthens the
 * handshakes it hits, which moves a mean by milliseconds but not the median.
 */
class GroundTruthIT {
    private static final String RTT = "tcplat_handshake_rtt_seconds";
    private static final String CONNECT = "tcplat_connect_duration_seconds";
    /** Handshakes that load and compile the fake peer's code paths; left out of every comparison. */
    private static final int WARMUP_CONNECTIONS = 20;
    /**
     * Handshakes delayed by {@link #REFERENCE_DELAY}: they measure the fake peer's own reaction
     * time, on the same code path as the delayed round.
     */
    private static final int REFERENCE_CONNECTIONS = 20;
    private static final int CONNECTIONS = 30;
    private static final Duration REFERENCE_DELAY = Duration.ofMillis(1);
    private static final int SERVER_PORT = 8080;
    /** How far the delayed round's median excess over the truth may be from the reference round's. */
    private static final double TOLERANCE_SECONDS = 0.0005;
    /**
     * How much shorter than its injected delay a handshake may be measured: the two ends share
     * one clock, so only the rounding of the exposed sums (far below a microsecond).
     */
    private static final double CLOCK_SLACK_SECONDS = 0.000001;
    /**
     * The retransmitted SYN reaches a fake peer idle for a second, whose wake-up on a busy machine
     * takes milliseconds more than between back-to-back handshakes. Either wrong answer is a second
     * away: the retransmission timeout counted in, or the RTT measured from the first SYN.
     */
    private static final double LOST_SYN_TOLERANCE_SECONDS = 0.05;
    /**
     * The stack between the TC hooks and the socket adds tens of microseconds to the kernel's
     * sample (30 µs measured on an idle machine), more when softirqs wait for a busy CPU.
     */
    private static final double KERNEL_AGREEMENT_SECONDS = 0.0002;
    /** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT). */
    private static final double SYN_RTO_SECONDS = 1.0;
    private static final Duration SETTLE = Duration.ofSeconds(5);

    enum Delay {
        MS_5(5),
        MS_50(50);

        final Duration duration;

        Delay(int millis) {
            this.duration = Duration.ofMillis(millis);
        }

        double seconds() {
            return duration.toNanos() / 1e9;
        }
    }

    enum Case {
        V4_5MS(IpFamily.V4, Delay.MS_5),
        V4_50MS(IpFamily.V4, Delay.MS_50),
        V6_5MS(IpFamily.V6, Delay.MS_5),
        V6_50MS(IpFamily.V6, Delay.MS_50);

        final IpFamily family;
        final Delay delay;

        Case(IpFamily family, Delay delay) {
            this.family = family;
            this.delay = delay;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void outboundRttIsTheServersDelay(Case c) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAckAfter(REFERENCE_DELAY));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            Map<String, String> labels = outbound(peer, c.family);
            TcpClient.connectAndClose(ns, peer.peerAddress(c.family), SERVER_PORT, WARMUP_CONNECTIONS);
            awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS);
            HandshakeSamples.Handshake connect =
                    () -> TcpClient.connectAndClose(ns, peer.peerAddress(c.family), SERVER_PORT, 1);

            int before = peer.exchanges().size();
            Map<String, double[]> reference =
                    HandshakeSamples.collect(exporter, labels, REFERENCE_CONNECTIONS, connect, RTT, CONNECT);
            double[] referenceInjected = injected(peer.exchanges().subList(before, peer.exchanges().size()));

            before = peer.exchanges().size();
            peer.setPolicy(SynPolicy.synAckAfter(c.delay.duration));
            Map<String, double[]> delayed = HandshakeSamples.collect(exporter, labels, CONNECTIONS, connect, RTT, CONNECT);
            double[] delayedInjected = injected(peer.exchanges().subList(before, peer.exchanges().size()));
            awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + REFERENCE_CONNECTIONS + CONNECTIONS);

            assertWithinTruth("outbound RTT", c, new Round(reference.get(RTT), referenceInjected),
                    new Round(delayed.get(RTT), delayedInjected), exporter);
            // Without a retransmission, the connect duration runs between the same two packets.
            assertWithinTruth("outbound connect", c, new Round(reference.get(CONNECT), referenceInjected),
                    new Round(delayed.get(CONNECT), delayedInjected), exporter);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void inboundRttIsTheClientsDelayAndTurnaroundIsApart(Case c) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.ignore());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(c.family));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            Map<String, String> labels = inbound(peer, c.family);
            peer.openConnections(c.family, listener.port(), WARMUP_CONNECTIONS, REFERENCE_DELAY);
            awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS);

            Round reference = inboundRound(exporter, peer, c.family, listener.port(), REFERENCE_CONNECTIONS,
                    REFERENCE_DELAY);
            Round delayed = inboundRound(exporter, peer, c.family, listener.port(), CONNECTIONS, c.delay.duration);
            awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + REFERENCE_CONNECTIONS + CONNECTIONS);

            assertWithinTruth("inbound RTT", c, reference, delayed, exporter);
            Series turnaround = Series.of(exporter.scrape(), "tcplat_syn_to_synack_seconds",
                    Map.of("peer", peer.peerLabel(c.family)));
            assertThat(turnaround.count()).isEqualTo(WARMUP_CONNECTIONS + REFERENCE_CONNECTIONS + CONNECTIONS);
            // The namespace's own stack answers a SYN in microseconds, nothing like the client's delay.
            assertThat(turnaround.mean()).isLessThan(c.delay.seconds() / 5);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void droppedFirstSynGivesTheRttOfTheAnsweredSynAndAConnectDurationOfOneTimeout(IpFamily family)
            throws Exception {
        int connections = 3;
        Duration delay = Delay.MS_5.duration;
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAckAfter(delay));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            Map<String, String> labels = outbound(peer, family);
            // First the same delay without loss: the RTT the answered SYN must be reported with.
            TcpClient.connectAndClose(ns, peer.peerAddress(family), SERVER_PORT, WARMUP_CONNECTIONS);
            Series warmup = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS);
            TcpClient.connectAndClose(ns, peer.peerAddress(family), SERVER_PORT, connections);
            Series clean = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + connections);
            Series cleanConnect = Series.of(exporter.scrape(), CONNECT, labels);
            double cleanInjected = mean(injected(peer.exchanges().subList(WARMUP_CONNECTIONS, peer.exchanges().size())));

            int before = peer.exchanges().size();
            peer.setPolicy(SynPolicy.dropFirstThenSynAckAfter(delay));
            TcpClient.connectAndClose(ns, peer.peerAddress(family), SERVER_PORT, connections);
            double lossyInjected = mean(injected(peer.exchanges().subList(before, peer.exchanges().size())));

            Series lossy = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + 2 * connections).since(clean);
            MetricsText metrics = exporter.scrape();
            Series lossyConnect = Series.of(metrics, CONNECT, labels).since(cleanConnect);
            assertThat(lossy.mean() - clean.since(warmup).mean()).as(lossy.describe(clean.since(warmup), exporter))
                    .isCloseTo(lossyInjected - cleanInjected, within(LOST_SYN_TOLERANCE_SECONDS));
            assertThat(lossyConnect.count()).isEqualTo(connections);
            assertThat(lossyConnect.mean() - lossy.mean()).as(lossyConnect.describe(exporter))
                    .isBetween(SYN_RTO_SECONDS, SYN_RTO_SECONDS + 0.05);
            assertThat(metrics.value("tcplat_syn_retransmits_total", labels)).hasValue(connections);
            assertThat(metrics.value("tcplat_rtt_ambiguous_total", Map.of("direction", "outbound"))).hasValue(0);
        }
    }

    /**
     * The kernel's own RTT sample of the same handshakes: a connecting socket's first RTT sample
     * (tcp_info, shown by {@code ss -ti}) runs from sending the SYN to processing the SYN-ACK,
     * a few microseconds of stack outside the exporter's two hook timestamps. An independent
     * measurement on the real path, with the fake peer's reaction time in both.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void agreesWithTheKernelsOwnRttSampleOfEachConnection(IpFamily family) throws Exception {
        int connections = 10;
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAckAfter(Delay.MS_5.duration));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            List<Socket> open = new ArrayList<>();
            double[] kernelRtt = new double[connections];
            try {
                double[] exporterRtt = HandshakeSamples.collect(exporter, outbound(peer, family), connections, () -> {
                    Socket socket = ns.call(() -> {
                        Socket connected = new Socket();
                        connected.connect(new InetSocketAddress(peer.peerAddress(family), SERVER_PORT), 3000);
                        return connected;
                    });
                    open.add(socket);
                    kernelRtt[open.size() - 1] = kernelRttSeconds(ns, socket.getLocalPort());
                }, RTT).get(RTT);
                double[] differences = HandshakeSamples.errors(exporterRtt, kernelRtt);
                double median = HandshakeSamples.median(differences);
                System.out.printf("kernel comparison %s: exporter median %.3f ms, kernel tcp_info median %.3f ms,"
                        + " median difference %+.3f ms%n", family, HandshakeSamples.median(exporterRtt) * 1e3,
                        HandshakeSamples.median(kernelRtt) * 1e3, median * 1e3);
                assertThat(median).as("exporter %s ms, kernel %s ms per connection",
                        HandshakeSamples.inMillis(exporterRtt), HandshakeSamples.inMillis(kernelRtt))
                        .isCloseTo(0, within(KERNEL_AGREEMENT_SECONDS));
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void withoutTimestampsARetransmittedSynGivesNoRttSample() throws Exception {
        int connections = 2;
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME,
                        SynPolicy.dropFirstThenSynAckAfter(Delay.MS_5.duration));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            ns.exec("sysctl", "-q", "-w", "net.ipv4.tcp_timestamps=0").check();
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V4), SERVER_PORT, connections);

            Map<String, String> labels = outbound(peer, IpFamily.V4);
            Series connect = awaitCount(exporter, "tcplat_connect_duration_seconds", labels, connections);
            MetricsText metrics = exporter.scrape();
            assertThat(Series.of(metrics, "tcplat_handshake_rtt_seconds", labels).count()).as(connect.describe(exporter))
                    .isZero();
            assertThat(metrics.value("tcplat_rtt_ambiguous_total", Map.of("direction", "outbound")))
                    .hasValue(connections);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void outboundResetAndTimeoutAreFailuresCountedOnce(IpFamily family) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.reset());
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--handshake.timeout", "1500ms")) {
            for (int i = 0; i < 4; i++) {
                assertThat(TcpClient.connect(ns, peer.peerAddress(family), SERVER_PORT, 3000))
                        .isEqualTo(TcpClient.Outcome.REFUSED);
            }
            peer.setPolicy(SynPolicy.ignore());
            for (int i = 0; i < 3; i++) {
                // The client gives up after 1.2 s, the exporter's timeout is 1.5 s: what a client
                // with a short connect timeout does still counts as a timeout.
                assertThat(TcpClient.connect(ns, peer.peerAddress(family), SERVER_PORT, 1200))
                        .isEqualTo(TcpClient.Outcome.TIMED_OUT);
            }

            Map<String, String> reset = failure("outbound", peer.peerLabel(family), "reset");
            Map<String, String> timeout = failure("outbound", peer.peerLabel(family), "timeout");
            awaitValue(exporter, "tcplat_handshake_failures_total", timeout, 3);
            MetricsText metrics = exporter.scrape();
            assertThat(metrics.value("tcplat_handshake_failures_total", reset)).hasValue(4);
            assertThat(Series.of(metrics, "tcplat_handshake_rtt_seconds", outbound(peer, family)).count()).isZero();
            Thread.sleep(2000);
            assertThat(exporter.scrape().value("tcplat_handshake_failures_total", timeout)).as("counted once")
                    .hasValue(3);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void inboundResetAndTimeoutAreFailuresCountedOnce(IpFamily family) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("gt");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.ignore());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(family));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--handshake.timeout", "1500ms")) {
            int closedPort = listener.port() + 1;
            assertThat(peer.openConnections(family, closedPort, 4, Duration.ZERO))
                    .allMatch(e -> e.outcome() == TunPeer.ClientOutcome.RESET);
            // Clients that vanish after their SYN: the namespace's SYN-ACKs go unanswered.
            assertThat(peer.openConnections(family, listener.port(), 3, null))
                    .allMatch(e -> e.outcome() == TunPeer.ClientOutcome.SYN_ACK);

            Map<String, String> timeout = failure("inbound", peer.peerLabel(family), "timeout");
            awaitValue(exporter, "tcplat_handshake_failures_total", timeout, 3);
            MetricsText metrics = exporter.scrape();
            assertThat(metrics.value("tcplat_handshake_failures_total", failure("inbound", peer.peerLabel(family),
                    "reset"))).hasValue(4);
            assertThat(Series.of(metrics, "tcplat_handshake_rtt_seconds", inbound(peer, family)).count()).isZero();
            // The namespace retransmits its SYN-ACK after 1 s; each is counted, none is a new handshake.
            assertThat(metrics.value("tcplat_synack_retransmits_total", inbound(peer, family)).orElse(0))
                    .isGreaterThanOrEqualTo(3);
            Thread.sleep(2000);
            assertThat(exporter.scrape().value("tcplat_handshake_failures_total", timeout)).as("counted once")
                    .hasValue(3);
        }
    }

    /**
     * The delay the fake server really added to each SYN it answered, read to write: the nominal
     * delay plus however late its thread ran, which a busy machine makes milliseconds.
     */
    private static double[] injected(List<TunPeer.Exchange> exchanges) {
        return exchanges.stream().filter(e -> e.answer() == SynPolicy.Kind.SYN_ACK)
                .mapToDouble(e -> (e.answerWrittenNanos() - e.synReadNanos()) / 1e9).toArray();
    }

    /** The same for the fake client: SYN-ACK read to ACK written. */
    private static double[] injectedByClient(List<TunPeer.ClientExchange> exchanges) {
        return exchanges.stream().mapToDouble(e -> (e.ackWrittenNanos() - e.synAckReadNanos()) / 1e9).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** One round of handshakes: what the exporter measured of each, and the delay injected into each. */
    private record Round(double[] measured, double[] injected) {
        double[] errors() {
            return HandshakeSamples.errors(measured, injected);
        }

        String describe() {
            return "measured " + HandshakeSamples.inMillis(measured) + " ms, injected "
                    + HandshakeSamples.inMillis(injected) + " ms";
        }
    }

    /** The fake client's connections, one at a time, each answered {@code delay} after its SYN-ACK. */
    private static Round inboundRound(ExporterProcess exporter, TunPeer peer, IpFamily family, int port, int count,
            Duration delay) throws Exception {
        List<TunPeer.ClientExchange> exchanges = new ArrayList<>();
        double[] measured = HandshakeSamples.collect(exporter, inbound(peer, family), count,
                () -> exchanges.addAll(peer.openConnections(family, port, 1, delay)), RTT).get(RTT);
        assertThat(exchanges).allMatch(e -> e.outcome() == TunPeer.ClientOutcome.SYN_ACK);
        return new Round(measured, injectedByClient(exchanges));
    }

    /**
     * No handshake measured shorter than the delay injected into it, and the delayed round's
     * median excess within {@link #TOLERANCE_SECONDS} of the reference round's; prints the
     * figures for the test report.
     */
    private static void assertWithinTruth(String what, Case c, Round reference, Round delayed,
            ExporterProcess exporter) {
        double reaction = HandshakeSamples.median(reference.errors());
        double excess = HandshakeSamples.median(delayed.errors());
        double shortest = Math.min(Arrays.stream(reference.errors()).min().orElseThrow(),
                Arrays.stream(delayed.errors()).min().orElseThrow());
        System.out.printf("ground truth %s %s: injected median %.3f ms, measured median %.3f ms;"
                + " excess median %+.3f ms (1 ms round %+.3f ms), error %+.3f ms; least excess %+.3f ms,"
                + " most %+.3f ms%n", what, c, HandshakeSamples.median(delayed.injected()) * 1e3,
                HandshakeSamples.median(delayed.measured()) * 1e3, excess * 1e3, reaction * 1e3,
                (excess - reaction) * 1e3, shortest * 1e3, Arrays.stream(delayed.errors()).max().orElseThrow() * 1e3);
        String rounds = String.format("%s %s%n1 ms round: %s%ndelayed round: %s%n%s", what, c, reference.describe(),
                delayed.describe(), exporter.log());
        assertThat(shortest).as("a handshake measured shorter than the delay injected into it: " + rounds)
                .isGreaterThan(-CLOCK_SLACK_SECONDS);
        assertThat(excess).as("median excess over the injected delay, against the 1 ms round's: " + rounds)
                .isCloseTo(reaction, within(TOLERANCE_SECONDS));
    }

    /** The kernel's RTT of the one established connection from local port {@code port}. */
    private static double kernelRttSeconds(NetworkNamespace ns, int port) throws Exception {
        String ss = ns.exec("ss", "-tinH", "state", "established", "sport", "=", ":" + port).check().stdout();
        List<Double> rttMs = Pattern.compile(" rtt:([0-9.]+)/").matcher(ss).results()
                .map(m -> Double.parseDouble(m.group(1))).toList();
        assertThat(rttMs).as(ss).hasSize(1);
        return rttMs.get(0) / 1e3;
    }

    private static Map<String, String> outbound(TunPeer peer, IpFamily family) {
        return Map.of("direction", "outbound", "peer", peer.peerLabel(family));
    }

    private static Map<String, String> inbound(TunPeer peer, IpFamily family) {
        return Map.of("direction", "inbound", "peer", peer.peerLabel(family));
    }

    private static Map<String, String> failure(String direction, String peer, String reason) {
        return Map.of("direction", direction, "peer", peer, "reason", reason);
    }

    /** Waits for a histogram's count to reach {@code expected}, then checks it stays exactly that. */
    private static Series awaitCount(ExporterProcess exporter, String histogram, Map<String, String> labels,
            int expected) throws Exception {
        Await.until(() -> Series.of(exporter.scrape(), histogram, labels).count() >= expected, SETTLE,
                () -> histogram + labels + " did not reach " + expected + "\n" + exporter.log());
        Thread.sleep(300);
        Series series = Series.of(exporter.scrape(), histogram, labels);
        assertThat(series.count()).as(series.describe(exporter)).isEqualTo(expected);
        return series;
    }

    private static void awaitValue(ExporterProcess exporter, String name, Map<String, String> labels, double expected)
            throws Exception {
        Await.until(() -> exporter.scrape().value(name, labels).orElse(0) >= expected, SETTLE,
                () -> name + labels + " did not reach " + expected + "\n" + exporter.log());
    }

    /** A histogram's count and sum for one label set. */
    private record Series(String name, Map<String, String> labels, double count, double sum, MetricsText from) {
        static Series of(MetricsText metrics, String name, Map<String, String> labels) {
            return new Series(name, labels, metrics.value(name + "_count", labels).orElse(0),
                    metrics.value(name + "_sum", labels).orElse(0), metrics);
        }

        /** The observations made after {@code earlier}. */
        Series since(Series earlier) {
            return new Series(name, labels, count - earlier.count, sum - earlier.sum, from);
        }

        double mean() {
            return sum / count;
        }

        String describe(Series baseline, ExporterProcess exporter) {
            return String.format("baseline mean %.3f ms over %.0f, delayed mean %.3f ms over %.0f%n",
                    baseline.mean() * 1e3, baseline.count, mean() * 1e3, count) + describe(exporter);
        }

        String describe(ExporterProcess exporter) {
            return name + labels + ": count " + count + ", sum " + sum + ", mean " + mean() + "\n  "
                    + from.samples().stream().filter(s -> s.name().startsWith("tcplat_") && !s.name().endsWith("_bucket"))
                            .map(s -> s.name() + s.labels() + " " + s.value()).collect(Collectors.joining("\n  "))
                    + "\n" + exporter.log();
        }
    }
}
