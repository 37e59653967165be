package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An environment the exporter cannot run in ends in exit code 1 and one line that names the
 * problem and its fix, before anything is attached.
 */
class PreflightIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void withoutCapabilitiesItNamesEachMissingOneAndTheSystemdSetting() throws Exception {
        try (VethPair veth = VethPair.create()) {
            // Root, but with the capabilities removed from the bounding set: after exec the
            // JVM's effective set lacks them, as for a service user that was not granted them.
            ExporterProcess.Exit exit = ExporterProcess.runToExit(veth.client(),
                    List.of("setpriv", "--bounding-set", "-bpf,-perfmon,-net_admin,-sys_admin", "--"), TIMEOUT,
                    "--interface", veth.clientInterface(), "--web.listen-address", "127.0.0.1:10090");
            assertOneLineFailure(exit, "missing CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON (running as uid 0)",
                    "AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON");
            assertThat(AttachedInterfaces.tcxEmpty(veth.client(), veth.clientInterface())).isTrue();

            ExporterProcess.Exit perfmonOnly = ExporterProcess.runToExit(veth.client(),
                    List.of("setpriv", "--bounding-set", "-perfmon,-sys_admin", "--"), TIMEOUT,
                    "--interface", veth.clientInterface(), "--web.listen-address", "127.0.0.1:10090");
            assertOneLineFailure(perfmonOnly, "missing CAP_PERFMON (running as uid 0)");
        }
    }

    @Test
    void aTakenPortIsReportedAndNothingIsAttached() throws Exception {
        try (VethPair veth = VethPair.create()) {
            NetworkNamespace ns = veth.client();
            ServerSocket taken = ns.call(() -> {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                return socket;
            });
            try (taken) {
                int port = taken.getLocalPort();
                ExporterProcess.Exit exit = ExporterProcess.runToExit(ns, TIMEOUT,
                        "--interface", veth.clientInterface(), "--web.listen-address", "127.0.0.1:" + port);
                assertOneLineFailure(exit, "port " + port + " is already in use", "choose another port");
                assertThat(exit.stderr()).doesNotContain("attached to");
                assertThat(AttachedInterfaces.tcxEmpty(ns, veth.clientInterface())).isTrue();
            }
        }
    }

    private static void assertOneLineFailure(ExporterProcess.Exit exit, String... expected) {
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr().strip().lines()).as(exit.stderr()).hasSize(1);
        assertThat(exit.stderr()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
