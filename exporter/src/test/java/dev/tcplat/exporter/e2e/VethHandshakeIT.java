package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real connections over a veth pair: the exporter watches the client's end (an Ethernet device,
 * so the Ethernet programs run) and must count each handshake exactly once, per peer, whether it
 * attached with TCX links (the default on this kernel) or with legacy clsact filters.
 */
class VethHandshakeIT {
    private static final int CONNECTIONS = 25;

    @ParameterizedTest(name = "{0}, attach mode {1}")
    @CsvSource({
        "V4, default, tcx",
        "V6, default, tcx",
        "V4, tc,      tc",
        "V6, tc,      tc",
    })
    void countsEveryHandshakeOnce(IpFamily family, String attachMode, String expectedMode) throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(family));
                ExporterProcess exporter = ExporterProcess.start(veth.client(), args(veth, attachMode))) {
            assertThat(exporter.stderrText())
                    .contains("attached to " + veth.clientInterface() + " via " + expectedMode);

            TcpClient.connectAndClose(veth.client(), veth.serverAddress(family), listener.port(), CONNECTIONS);

            Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(family), CONNECTIONS);
            assertThat(listener.accepted()).isEqualTo(CONNECTIONS);
        }
    }

    private static String[] args(VethPair veth, String attachMode) {
        List<String> args = new ArrayList<>(List.of("--interface", veth.clientInterface()));
        if (!attachMode.equals("default")) {
            args.add("--attach-mode");
            args.add(attachMode);
        }
        return args.toArray(String[]::new);
    }
}
