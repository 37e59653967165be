package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.e2e.Attachments.Hook;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A crash (SIGKILL: no shutdown path runs) must not leave the kernel changed in a way that
 * accumulates or breaks anyone else's traffic.
 *
 * <ul>
 *   <li>TCX links belong to the process' file descriptors, so the kernel removes them when it
 *       dies: checked over 50 kills.</li>
 *   <li>Legacy clsact filters do outlive the process; the next start recognises its own leftover
 *       by priority, handle and program name and replaces it, so they never pile up, and a clean
 *       stop removes them. A foreign qdisc and a foreign BPF filter that were there first keep
 *       working throughout.</li>
 * </ul>
 */
class KillNineIT {
    private static final int KILLS = 50;
    private static final int LEGACY_CRASHES = 3;
    private static final int CONNECTIONS = 10;
    /** tcplat's legacy filter handle (ebpf/shim/tcplat_clsact.c TCPLAT_TC_HANDLE), as tc prints it. */
    private static final String OUR_HANDLE = "handle 0x7c1a7 ";

    @Test
    void killNineLeavesNoTcxProgramAttached() throws Exception {
        try (VethPair veth = VethPair.create()) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            List<Integer> programs = new ArrayList<>();
            long since = System.nanoTime();
            for (int run = 1; run <= KILLS; run++) {
                ExporterProcess exporter = ExporterProcess.startAttached(ns, "--interface", dev);
                try {
                    for (Hook hook : Hook.values()) {
                        Attachments.Tcx tcx = Attachments.tcx(ns, dev, hook);
                        assertThat(tcx.programIds()).as("run " + run + " " + hook + "\n" + exporter.log()).hasSize(1);
                        programs.addAll(tcx.programIds());
                    }
                    exporter.kill();
                } finally {
                    exporter.close();
                }
                // Checked at once: the kernel released the links while the process exited.
                for (Hook hook : Hook.values()) {
                    assertThat(Attachments.tcx(ns, dev, hook).isEmpty())
                            .as("TCX " + hook + " of " + dev + " after kill -9 number " + run).isTrue();
                }
            }
            System.out.printf("%d exporter starts and kills in %.1f s%n", KILLS, (System.nanoTime() - since) / 1e9);
            Await.until(() -> Attachments.bpfProgramIds().stream().noneMatch(programs::contains),
                    Duration.ofSeconds(10), () -> "programs of killed exporters still loaded");
        }
    }

    @Test
    void legacyFiltersDoNotPileUpAcrossCrashesAndForeignOnesKeepTheirVerdicts() throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener open = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4));
                TcpListener dropped = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4))) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            InetAddress server = veth.serverAddress(IpFamily.V4);
            ForeignDropper.install(ns, dev, dropped.port());
            String ingressBefore = Attachments.tcFilters(ns, dev, Hook.INGRESS);
            String egressBefore = Attachments.tcFilters(ns, dev, Hook.EGRESS);
            ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "before the exporter");

            for (int run = 1; run <= LEGACY_CRASHES; run++) {
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev, "--attach-mode", "tc");
                try {
                    assertOneOfOursPerHook(ns, dev, "run " + run + "\n" + exporter.log());
                    if (run > 1) {
                        assertThat(exporter.stderrText()).contains("replacing a leftover tcplat filter");
                    }
                    TcpClient.connectAndClose(ns, server, open.port(), CONNECTIONS);
                    Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(IpFamily.V4), CONNECTIONS);
                    ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "with the exporter");
                    exporter.kill();
                } finally {
                    exporter.close();
                }
                // Legacy filters outlive the process: ours stays (once), the foreign one works.
                assertOneOfOursPerHook(ns, dev, "after kill -9 number " + run);
                assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).contains("pref " + ForeignDropper.PRIORITY);
                ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "after kill -9");
            }

            try (ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev, "--attach-mode", "tc")) {
                assertOneOfOursPerHook(ns, dev, exporter.log());
                assertThat(exporter.stop()).as(exporter::log).isZero();
            }
            assertThat(Attachments.hasClsact(ns, dev)).as("the foreign clsact qdisc").isTrue();
            assertThat(Attachments.tcFilters(ns, dev, Hook.INGRESS)).isEqualTo(ingressBefore);
            assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).isEqualTo(egressBefore);
            ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "after a clean stop");
        }
    }

    @Test
    void aForeignLegacyProgramKeepsItsVerdictsNextToTcxLinks() throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener open = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4));
                TcpListener dropped = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4))) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            InetAddress server = veth.serverAddress(IpFamily.V4);
            ForeignDropper.install(ns, dev, dropped.port());
            String egressBefore = Attachments.tcFilters(ns, dev, Hook.EGRESS);

            ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev, "--attach-mode", "tcx");
            try {
                assertThat(AttachedInterfaces.tcxOnBothHooks(ns, dev)).as(exporter::log).isTrue();
                TcpClient.connectAndClose(ns, server, open.port(), CONNECTIONS);
                Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(IpFamily.V4), CONNECTIONS);
                ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "with TCX links attached");
                exporter.kill();
            } finally {
                exporter.close();
            }
            assertThat(AttachedInterfaces.tcxEmpty(ns, dev)).isTrue();
            assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).isEqualTo(egressBefore);
            ForeignDropper.assertVerdicts(ns, server, dropped.port(), open.port(), "after kill -9");
        }
    }

    private static void assertOneOfOursPerHook(NetworkNamespace ns, String dev, String context) {
        for (Hook hook : Hook.values()) {
            long ours = Attachments.tcFilters(ns, dev, hook).lines().filter(l -> l.contains(OUR_HANDLE)).count();
            assertThat(ours).as("tcplat filters on " + hook + " of " + dev + ", " + context).isEqualTo(1);
        }
    }
}
