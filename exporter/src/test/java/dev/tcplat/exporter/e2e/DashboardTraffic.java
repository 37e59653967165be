package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Traffic that gives every panel of the dashboard and every rule something to show, through a
 * {@link TunPeer} that answers SYNs by destination port ({@link #answer} is its policy):
 * outbound handshakes answered after 1 ms and later after 70 ms (so a "slower than usual" rule
 * sees a change), refused ones (RST), unanswered ones (SYN retransmits, then timeouts; the exporter
 * should run with a short {@code --handshake.timeout} such as 2 s), ones whose first SYN is lost,
 * inbound handshakes from the fake client, one of which never sends its ACK (SYN-ACK retransmits,
 * an inbound timeout), and an IPv6 peer that a one-address label budget folds into {@code other}.
 * About 30 s, in rounds a second apart so a Prometheus scraping every second sees rates move.
 */
final class DashboardTraffic {
    static final int PORT_ANSWERED = 8080;
    static final int PORT_REFUSED = 8081;
    static final int PORT_SILENT = 8082;
    static final int PORT_LOSSY = 8083;

    private static final Duration FAST = Duration.ofMillis(1);
    private static final Duration SLOW = Duration.ofMillis(70);
    private static final int FAST_ROUNDS = 12;
    private static final int SLOW_ROUNDS = 8;
    private volatile Duration delay = FAST;
    private final SynPolicy lossy = SynPolicy.dropFirstThenSynAckAfter(FAST);

    SynPolicy.Answer answer(TcpPackets.Segment syn) {
        return switch (syn.dstPort()) {
            case PORT_ANSWERED -> new SynPolicy.Answer(SynPolicy.Kind.SYN_ACK, delay);
            case PORT_REFUSED -> new SynPolicy.Answer(SynPolicy.Kind.RST, Duration.ZERO);
            case PORT_LOSSY -> lossy.answer(syn);
            default -> new SynPolicy.Answer(SynPolicy.Kind.IGNORE, Duration.ZERO);
        };
    }

    void run(NetworkNamespace ns, TunPeer peer, TcpListener listener) throws Exception {
        InetAddress v4 = peer.peerAddress(IpFamily.V4);
        for (int round = 0; round < FAST_ROUNDS; round++) {
            long roundStart = System.nanoTime();
            TcpClient.connectAndClose(ns, v4, PORT_ANSWERED, 4);
            assertThat(TcpClient.connect(ns, v4, PORT_REFUSED, 1000)).isEqualTo(TcpClient.Outcome.REFUSED);
            peer.openConnections(IpFamily.V4, listener.port(), 2, Duration.ofMillis(2));
            pace(roundStart);
        }
        // Unanswered: the kernel retransmits the SYN after 1 s, the exporter gives up after 2 s.
        for (int i = 0; i < 2; i++) {
            assertThat(TcpClient.connect(ns, v4, PORT_SILENT, 1500)).isEqualTo(TcpClient.Outcome.TIMED_OUT);
        }
        // First SYN lost, the retransmission answered: a SYN retransmit and a 1 s connect.
        TcpClient.connectAndClose(ns, v4, PORT_LOSSY, 2);
        // A client that never ACKs: this host retransmits its SYN-ACK, then the handshake times out.
        peer.openConnections(IpFamily.V4, listener.port(), 1, null);
        // A second address per direction is over the budget: peer="other".
        TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V6), PORT_ANSWERED, 3);
        delay = SLOW;
        for (int round = 0; round < SLOW_ROUNDS; round++) {
            long roundStart = System.nanoTime();
            TcpClient.connectAndClose(ns, v4, PORT_ANSWERED, 4);
            pace(roundStart);
        }
    }

    /** Rounds a second apart, so Prometheus (scraping every second) sees the rates change. */
    private static void pace(long roundStart) throws InterruptedException {
        long leftMs = 1000 - (System.nanoTime() - roundStart) / 1_000_000;
        if (leftMs > 0) {
            Thread.sleep(leftMs);
        }
    }
}
