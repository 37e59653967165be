package dev.tcplat.exporter.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.iface.InterfaceSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each preflight message: one line, naming the problem and the fix. */
class PreflightTest {
    @Test
    void kernelsBefore514AreRefused() throws Exception {
        assertThatThrownBy(() -> Preflight.checkKernel("5.4.0-150-generic\n"))
                .hasMessage("kernel 5.4.0-150-generic is too old: the BPF programs need Linux 5.14 or newer;"
                        + " upgrade the kernel");
        assertThatThrownBy(() -> Preflight.checkKernel("5.13.19")).hasMessageContaining("5.14 or newer");
        Preflight.checkKernel("5.14.0");
        Preflight.checkKernel("6.1.0-18-amd64");
        assertThat(KernelRelease.parse("6.18.44-fc-v669").atLeast(5, 8)).isTrue();
        assertThat(KernelRelease.parse("4.19.0").atLeast(5, 8)).isFalse();
    }

    @Test
    void missingCapabilitiesAreNamedWithTheSystemdSetting() {
        String status = "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n";
        assertThatThrownBy(() -> Preflight.checkCapabilities(status))
                .hasMessage("missing CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON (running as uid 1000): run as root,"
                        + " or grant CAP_BPF CAP_NET_ADMIN CAP_PERFMON"
                        + " (systemd: AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON)");
    }

    @Test
    void aMissingNamedInterfaceIsNamed() throws Exception {
        List<Link> links = List.of(new Link(1, "lo", true, true), new Link(2, "eth0", true, false));
        assertThatThrownBy(() -> Preflight.checkInterfaces(InterfaceSelector.of(List.of("eth0", "tun0"),
                List.of()), links))
                .hasMessage("interface tun0 not found in this network namespace: check the name with 'ip link',"
                        + " or pass a pattern such as 'tun0*' to attach whenever it appears");
        // A pattern that matches nothing yet is not an error: it waits.
        Preflight.checkInterfaces(InterfaceSelector.of(List.of("eth0", "wg*"), List.of()), links);
    }

    @Test
    void aPortInUseIsReportedBeforeAnythingIsAttached() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(loopback, 0));
            int port = taken.getLocalPort();
            ListenAddress address = new ListenAddress(loopback.getHostAddress(), port);
            assertThatThrownBy(() -> Preflight.checkPort(address))
                    .hasMessage("--web.listen-address " + address + ": port " + port + " is already in use;"
                            + " stop what listens there (ss -ltnp 'sport = :" + port + "' shows it)"
                            + " or choose another port");
        }
    }

    @Test
    void aFreePortPassesAndStaysFree() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(loopback, 0));
            port = probe.getLocalPort();
        }
        Preflight.checkPort(new ListenAddress(loopback.getHostAddress(), port));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(loopback, port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void anAddressThatIsNotThisHostsIsNamed() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host.
        ListenAddress address = new ListenAddress("192.0.2.7", 10090);
        assertThatThrownBy(() -> Preflight.checkPort(address))
                .hasMessage("--web.listen-address 192.0.2.7:10090: 192.0.2.7 is not an address of this host;"
                        + " use one of its addresses, or :10090 for all of them");
    }
}
