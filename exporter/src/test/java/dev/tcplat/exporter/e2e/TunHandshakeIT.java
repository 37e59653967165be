package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The L3 path: the exporter watches a tun device (no Ethernet header, ARPHRD_NONE), behind which
 * the {@link TunPeer} answers every SYN. Each connection is one handshake the exporter must count.
 */
class TunHandshakeIT {
    private static final int CONNECTIONS = 25;
    private static final int PORT = 8080;

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void countsEveryHandshakeThroughTheTun(IpFamily family) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("tun");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck());
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            TcpClient.connectAndClose(ns, peer.peerAddress(family), PORT, CONNECTIONS);

            assertThat(peer.exchanges()).hasSize(CONNECTIONS);
            Handshakes.assertOutboundCount(exporter, peer.peerLabel(family), CONNECTIONS);
        }
    }
}
