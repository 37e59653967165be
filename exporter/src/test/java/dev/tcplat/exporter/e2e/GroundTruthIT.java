package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
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
 * The exporter watches the tun, so what it measures is that delay plus the fake peer's own
 * reaction time (waking up on the tun, a few hundred microseconds on a virtual machine). A first
 * round with a 1 ms delay measures that reaction time in the same run; the delayed round's mean,
 * less the first round's, must be within {@link #TOLERANCE_SECONDS} of the difference of the
 * delays the fake peer injected, which it times itself from reading a packet to writing the answer
 * (on an idle machine within 0.05 ms of the nominal delays, on a busy one late by milliseconds).
 */
class GroundTruthIT {
    private static final String RTT = "tcplat_handshake_rtt_seconds";
    private static final String CONNECT = "tcplat_connect_duration_seconds";
    /** Handshakes that load and compile the fake peer's code paths; left out of every mean. */
    private static final int WARMUP_CONNECTIONS = 20;
    /**
     * Handshakes delayed by {@link #BASELINE_DELAY}: they measure the fake peer's own reaction
     * time, on the same code path as the delayed round.
     */
    private static final int BASELINE_CONNECTIONS = 20;
    private static final int CONNECTIONS = 30;
    private static final Duration BASELINE_DELAY = Duration.ofMillis(1);
    private static final int SERVER_PORT = 8080;
    private static final double TOLERANCE_SECONDS = 0.0005;
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
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAckAfter(BASELINE_DELAY));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            Map<String, String> labels = outbound(peer, c.family);
            TcpClient.connectAndClose(ns, peer.peerAddress(c.family), SERVER_PORT, WARMUP_CONNECTIONS);
            Series warmup = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS);
            Series warmupConnect = Series.of(exporter.scrape(), CONNECT, labels);
            TcpClient.connectAndClose(ns, peer.peerAddress(c.family), SERVER_PORT, BASELINE_CONNECTIONS);
            Series baseline = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + BASELINE_CONNECTIONS);
            Series baselineConnect = Series.of(exporter.scrape(), CONNECT, labels);
            double baselineInjected = injected(peer.exchanges().subList(WARMUP_CONNECTIONS, peer.exchanges().size()));

            int before = peer.exchanges().size();
            peer.setPolicy(SynPolicy.synAckAfter(c.delay.duration));
            TcpClient.connectAndClose(ns, peer.peerAddress(c.family), SERVER_PORT, CONNECTIONS);
            double delayedInjected = injected(peer.exchanges().subList(before, peer.exchanges().size()));

            Series delayed = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + BASELINE_CONNECTIONS + CONNECTIONS)
                    .since(baseline);
            Series delayedConnect = Series.of(exporter.scrape(), CONNECT, labels).since(baselineConnect);
            baseline = baseline.since(warmup);
            baselineConnect = baselineConnect.since(warmupConnect);
            double injectedDifference = delayedInjected - baselineInjected;
            report("outbound", c, baseline, delayed, injectedDifference);
            assertThat(delayed.mean() - baseline.mean()).as(delayed.describe(baseline, exporter))
                    .isCloseTo(injectedDifference, within(TOLERANCE_SECONDS));
            assertThat(delayedConnect.count()).isEqualTo(CONNECTIONS);
            assertThat(delayedConnect.mean() - baselineConnect.mean()).as(delayedConnect.describe(baselineConnect, exporter))
                    .isCloseTo(injectedDifference, within(TOLERANCE_SECONDS));
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
            peer.openConnections(c.family, listener.port(), WARMUP_CONNECTIONS, BASELINE_DELAY);
            Series warmup = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS);
            double baselineInjected = injectedByClient(
                    peer.openConnections(c.family, listener.port(), BASELINE_CONNECTIONS, BASELINE_DELAY));
            Series baseline = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + BASELINE_CONNECTIONS);

            List<TunPeer.ClientExchange> exchanges =
                    peer.openConnections(c.family, listener.port(), CONNECTIONS, c.delay.duration);
            assertThat(exchanges).allMatch(e -> e.outcome() == TunPeer.ClientOutcome.SYN_ACK);

            Series delayed = awaitCount(exporter, RTT, labels, WARMUP_CONNECTIONS + BASELINE_CONNECTIONS + CONNECTIONS)
                    .since(baseline);
            baseline = baseline.since(warmup);
            double injectedDifference = injectedByClient(exchanges) - baselineInjected;
            report("inbound", c, baseline, delayed, injectedDifference);
            assertThat(delayed.mean() - baseline.mean()).as(delayed.describe(baseline, exporter))
                    .isCloseTo(injectedDifference, within(TOLERANCE_SECONDS));
            Series turnaround = Series.of(exporter.scrape(), "tcplat_syn_to_synack_seconds",
                    Map.of("peer", peer.peerLabel(c.family)));
            assertThat(turnaround.count()).isEqualTo(WARMUP_CONNECTIONS + BASELINE_CONNECTIONS + CONNECTIONS);
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
            double cleanInjected = injected(peer.exchanges().subList(WARMUP_CONNECTIONS, peer.exchanges().size()));

            int before = peer.exchanges().size();
            peer.setPolicy(SynPolicy.dropFirstThenSynAckAfter(delay));
            TcpClient.connectAndClose(ns, peer.peerAddress(family), SERVER_PORT, connections);
            double lossyInjected = injected(peer.exchanges().subList(before, peer.exchanges().size()));

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
            try {
                for (int i = 0; i < connections; i++) {
                    open.add(ns.call(() -> {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress(peer.peerAddress(family), SERVER_PORT), 3000);
                        return socket;
                    }));
                }
                String ss = ns.exec("ss", "-tinH", "state", "established", "dst",
                        family == IpFamily.V4 ? peer.peerLabel(family) : "[" + peer.peerLabel(family) + "]").check().stdout();
                List<Double> kernelRttMs = Pattern.compile(" rtt:([0-9.]+)/").matcher(ss).results()
                        .map(m -> Double.parseDouble(m.group(1))).toList();
                assertThat(kernelRttMs).as(ss).hasSize(connections);
                double kernelMean = kernelRttMs.stream().mapToDouble(Double::doubleValue).average().orElseThrow() / 1e3;

                Series rtt = awaitCount(exporter, RTT, outbound(peer, family), connections);
                System.out.printf("kernel comparison %s: exporter mean %.3f ms, kernel tcp_info mean %.3f ms,"
                        + " difference %+.3f ms%n", family, rtt.mean() * 1e3, kernelMean * 1e3,
                        (rtt.mean() - kernelMean) * 1e3);
                assertThat(rtt.mean()).as(rtt.describe(exporter) + "\n" + ss)
                        .isCloseTo(kernelMean, within(KERNEL_AGREEMENT_SECONDS));
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
     * The mean delay the fake server really added to the SYNs it answered, read to write: the
     * nominal delay plus however late its thread ran, which a busy machine makes milliseconds.
     */
    private static double injected(List<TunPeer.Exchange> exchanges) {
        return exchanges.stream().filter(e -> e.answer() == SynPolicy.Kind.SYN_ACK)
                .mapToLong(e -> e.answerWrittenNanos() - e.synReadNanos()).average().orElseThrow() / 1e9;
    }

    /** The same for the fake client: SYN-ACK read to ACK written. */
    private static double injectedByClient(List<TunPeer.ClientExchange> exchanges) {
        return exchanges.stream().mapToLong(e -> e.ackWrittenNanos() - e.synAckReadNanos()).average()
                .orElseThrow() / 1e9;
    }

    /** The accuracy figures, for the test report. */
    private static void report(String direction, Case c, Series baseline, Series delayed, double injectedDifference) {
        System.out.printf("ground truth %s %s: baseline (1 ms) mean %.3f ms, delayed (%d ms) mean %.3f ms,"
                + " difference %.3f ms, injected difference %.3f ms, error %+.3f ms%n", direction, c,
                baseline.mean() * 1e3, c.delay.duration.toMillis(), delayed.mean() * 1e3,
                (delayed.mean() - baseline.mean()) * 1e3, injectedDifference * 1e3,
                (delayed.mean() - baseline.mean() - injectedDifference) * 1e3);
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
