package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.deploy.SystemdUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exporter as the systemd unit runs it: not root (uid 65534), holding exactly the unit's
 * capabilities and nothing else, with no way to gain more ({@code setpriv}, the same kernel
 * mechanism systemd uses). It must measure real handshakes; and each capability must be needed:
 * without any one of them the kernel refuses the probe, and the exporter refuses to start with
 * a message naming it.
 */
class CapabilitiesIT {
    private static final int NOBODY = 65534;
    private static final int CONNECTIONS = 10;

    private Path jnaTmp;

    @BeforeEach
    void jnaDirectory() throws IOException {
        // What RuntimeDirectory= gives the service: a directory only its user can write.
        jnaTmp = Files.createTempDirectory("tcplat-jna-");
        Command.run("chown", NOBODY + ":" + NOBODY, jnaTmp.toString());
    }

    @AfterEach
    void removeJnaDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(jnaTmp)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private List<String> launcher(Set<String> capabilities) {
        List<String> launcher = new java.util.ArrayList<>(SystemdUnit.setprivLauncher(NOBODY, capabilities));
        return launcher;
    }

    private String[] args(VethPair veth, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--interface", veth.clientInterface()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void measuresHandshakesWithOnlyTheUnitsCapabilities() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(veth.client(),
                        withJnaTmp(launcher(unit.ambientCapabilities())), args(veth))) {
            ProcessStatus status = ProcessStatus.of(exporter.pid());
            assertThat(status.uid()).isEqualTo(NOBODY);
            assertThat(status.effectiveCapabilities()).isEqualTo(unit.ambientCapabilities());
            assertThat(status.boundingCapabilities()).isEqualTo(unit.ambientCapabilities());

            TcpClient.connectAndClose(veth.client(), veth.serverAddress(IpFamily.V4), listener.port(), CONNECTIONS);

            Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(IpFamily.V4), CONNECTIONS);
        }
    }

    @Test
    void legacyTcAttachmentWorksWithTheSameCapabilities() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V6));
                ExporterProcess exporter = ExporterProcess.start(veth.client(),
                        withJnaTmp(launcher(unit.ambientCapabilities())), args(veth, "--attach-mode", "tc"))) {
            assertThat(exporter.stderrText()).contains("attached to " + veth.clientInterface() + " via tc");
            TcpClient.connectAndClose(veth.client(), veth.serverAddress(IpFamily.V6), listener.port(), CONNECTIONS);
            Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(IpFamily.V6), CONNECTIONS);
        }
    }

    /**
     * Inbound handshakes whose ACK never comes make the exporter give them up in the kernel too,
     * by running a program of its own (BPF_PROG_TEST_RUN); that must work with the unit's
     * capabilities, and the kernel must still report the next client's ACK afterwards.
     */
    @Test
    void givesUpUnansweredInboundHandshakesWithTheSameCapabilities() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        try (NetworkNamespace ns = NetworkNamespace.create("caps");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.ignore());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, withJnaTmp(launcher(unit.ambientCapabilities())),
                        "--interface", peer.name(), "--handshake.timeout", "1s")) {
            // clients that vanish after their SYN: this host's SYN-ACKs wait for ACKs that never come
            peer.openConnections(IpFamily.V4, listener.port(), 3, null);
            Map<String, String> timeout = Map.of("direction", "inbound", "peer", peer.peerLabel(IpFamily.V4),
                    "reason", "timeout");
            Await.until(() -> exporter.scrape().value("tcplat_handshake_failures_total", timeout).orElse(0) >= 3,
                    Duration.ofSeconds(10), exporter::log);

            peer.openConnections(IpFamily.V4, listener.port(), 2, Duration.ZERO);
            Map<String, String> inbound = Map.of("direction", "inbound", "peer", peer.peerLabel(IpFamily.V4));
            Await.until(() -> exporter.scrape().value("tcplat_handshake_rtt_seconds_count", inbound).orElse(0) >= 2,
                    Duration.ofSeconds(10), exporter::log);
            assertThat(exporter.isAlive()).isTrue();
            assertThat(exporter.stderrText()).doesNotContain("cannot update the kernel's table of answered handshakes")
                    .doesNotContain("ERROR");
        }
    }

    @Test
    void theExporterNamesAMissingCapabilityBeforeTouchingTheKernel() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        try (VethPair veth = VethPair.create()) {
            for (String missing : unit.ambientCapabilities()) {
                Set<String> fewer = new TreeSet<>(unit.ambientCapabilities());
                fewer.remove(missing);
                ExporterProcess.Exit exit = ExporterProcess.runToExit(veth.client(), withJnaTmp(launcher(fewer)),
                        Duration.ofSeconds(30), args(veth, "--web.listen-address", "127.0.0.1:10099"));
                assertThat(exit.code()).as("without cap_%s:\n%s", missing, exit.stderr()).isEqualTo(1);
                assertThat(exit.stderr()).as("without cap_%s", missing)
                        .contains("missing CAP_" + missing.toUpperCase(java.util.Locale.ROOT))
                        .doesNotContain("\tat ");
            }
        }
    }

    /**
     * What the kernel itself refuses, below the exporter's own checks: the probe loaded and
     * attached directly ({@link ProbeLoad}) as uid 65534, with the unit's capabilities and with
     * each one taken away.
     */
    @Test
    void theKernelRefusesTheProbeWithoutEachCapability() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        try (VethPair veth = VethPair.create()) {
            for (String mode : new String[] {"AUTO", "TC"}) {
                Command.Result all = probeLoad(veth, unit.ambientCapabilities(), mode);
                assertThat(all.exitCode()).as("all three, %s:\n%s", mode, all.stderr()).isZero();
                assertThat(all.stdout()).contains("attached and detached");
            }
            java.util.Map<String, String> refusal = java.util.Map.of(
                    "bpf", "refused (EPERM)",
                    "net_admin", "refused (EPERM)",
                    "perfmon", "the verifier rejected the program because CAP_PERFMON is missing");
            for (String missing : unit.ambientCapabilities()) {
                Set<String> fewer = new TreeSet<>(unit.ambientCapabilities());
                fewer.remove(missing);
                Command.Result result = probeLoad(veth, fewer, "AUTO");
                assertThat(result.exitCode()).as("without cap_%s:\n%s", missing, result.stderr()).isEqualTo(1);
                assertThat(result.stderr()).as("without cap_%s", missing).contains(refusal.get(missing));
            }
        }
    }

    private Command.Result probeLoad(VethPair veth, Set<String> capabilities, String mode) throws Exception {
        String classes = Path.of(ProbeLoad.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", veth.client().name()));
        command.addAll(launcher(capabilities));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.tmpdir=" + jnaTmp, "-cp", ExporterProcess.jar().toAbsolutePath() + ":" + classes,
                ProbeLoad.class.getName(), veth.clientInterface(), mode));
        return Command.run(command);
    }

    private List<String> withJnaTmp(List<String> launcher) {
        // setpriv ends with "--"; java's own options come after the launcher, so JNA's directory
        // is given to the JVM through its environment instead.
        List<String> command = new java.util.ArrayList<>(List.of("env", "JAVA_TOOL_OPTIONS=-Djna.tmpdir=" + jnaTmp));
        command.addAll(launcher);
        return command;
    }
}
