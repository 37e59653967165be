package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness itself, without the exporter: if one of these fails, the exporter tests' failures
 * say nothing about the exporter.
 */
class HarnessIT {
    @Test
    void tasksRunInTheNamespaceAndTheirSocketsStayThere() throws Exception {
        try (NetworkNamespace a = NetworkNamespace.create("a"); NetworkNamespace b = NetworkNamespace.create("b")) {
            String own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            String inA = a.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertThat(inA).isEqualTo(a.inode()).isNotEqualTo(own);
            // The test thread itself never moved.
            assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()).isEqualTo(own);

            // Bound on a thread in a, the listener is on a's loopback: reachable from a, not from b,
            // even though accept() then runs on a thread outside both.
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket server = a.call(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(loopback, 0));
                return s;
            })) {
                assertThat(TcpClient.connect(a, loopback, server.getLocalPort(), 1000))
                        .isEqualTo(TcpClient.Outcome.CONNECTED);
                server.accept().close();
                assertThat(TcpClient.connect(b, loopback, server.getLocalPort(), 1000))
                        .isEqualTo(TcpClient.Outcome.REFUSED);
            }
        }
    }

    @Test
    void closingDeletesTheNamespace() {
        NetworkNamespace ns = NetworkNamespace.create("x");
        ns.close();
        assertThat(Command.run("ip", "netns", "list").check().stdout()).doesNotContain(ns.name());
        assertThat(Files.exists(ns.path())).isFalse();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void vethCarriesConnectionsToTheServerNamespace(IpFamily family) throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(family))) {
            TcpClient.connectAndClose(veth.client(), veth.serverAddress(family), listener.port(), 5);
            Await.until(() -> listener.accepted() == 5, Duration.ofSeconds(2), () -> "accepted " + listener.accepted());
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void tunPeerCompletesHandshakes(IpFamily family) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("t");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck())) {
            TcpClient.connectAndClose(ns, peer.peerAddress(family), 8080, 5);
            assertThat(peer.exchanges()).hasSize(5)
                    .allSatisfy(e -> assertThat(e.answer()).isEqualTo(SynPolicy.Kind.SYN_ACK))
                    .allSatisfy(e -> assertThat(e.syn().family()).isEqualTo(family));
            Await.until(() -> peer.acksSeen() >= 5, Duration.ofSeconds(2), () -> "acks " + peer.acksSeen());
            assertThat(peer.writeErrors()).isZero();
            assertThat(peer.badChecksums()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void tunPeerPoliciesRefuseIgnoreAndDelay(IpFamily family) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("t");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.reset())) {
            InetAddress remote = peer.peerAddress(family);
            assertThat(TcpClient.connect(ns, remote, 8080, 1000)).isEqualTo(TcpClient.Outcome.REFUSED);

            peer.setPolicy(SynPolicy.ignore());
            assertThat(TcpClient.connect(ns, remote, 8080, 300)).isEqualTo(TcpClient.Outcome.TIMED_OUT);

            peer.setPolicy(SynPolicy.synAckAfter(Duration.ofMillis(50)));
            long start = System.nanoTime();
            assertThat(TcpClient.connect(ns, remote, 8080, 2000)).isEqualTo(TcpClient.Outcome.CONNECTED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            TunPeer.Exchange delayed = peer.exchanges().get(peer.exchanges().size() - 1);
            assertThat(Duration.ofNanos(delayed.answerWrittenNanos() - delayed.synReadNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(50));
        }
    }

    @Test
    void closingTheTunPeerDeletesTheDevice() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("t")) {
            TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck());
            assertThat(ns.exec("ip", "link", "show", "dev", peer.name()).ok()).isTrue();
            peer.close();
            assertThat(ns.exec("ip", "link", "show", "dev", peer.name()).ok()).isFalse();
        }
    }
}
