package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Interfaces come and go while the exporter runs (containers, VPNs, bonds): it follows them
 * without a restart. A new matching interface is attached within 2 s and its handshakes are
 * measured; a deleted one is released; one re-created under the same name (a new index) is
 * attached again; a renamed one stays attached while its new name matches and is released when
 * it does not. Every step is checked in the kernel (TCX programs on the device) and in
 * {@code tcplat_interface_attached}.
 */
class InterfaceLifecycleIT {
    /** The bound the README promises for attaching to a new interface. */
    private static final Duration ATTACH_BOUND = Duration.ofSeconds(2);
    /** How long to wait for a release, or for anything not bounded by the promise. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final int CONNECTIONS = 10;

    @Test
    void followsInterfacesThatAppearVanishReappearAndAreRenamed() throws Exception {
        try (VethPair base = VethPair.create();
                ExporterProcess exporter = ExporterProcess.start(base.client(), "--interface", "dyn*")) {
            NetworkNamespace ns = base.client();
            // Nothing matches yet; the exporter says it waits instead of failing.
            assertThat(exporter.stderrText()).contains("no interface matches dyn* yet");
            assertThat(AttachedInterfaces.tcxEmpty(ns, base.clientInterface())).isTrue();

            // Appears: attached within the bound, and measured.
            long since = System.nanoTime();
            VethPair first = VethPair.addTo(base, "dyn0", "dyn0-peer");
            try {
                Await.until(() -> AttachedInterfaces.tcxOnBothHooks(ns, "dyn0"), ATTACH_BOUND,
                        exporter::log);
                System.out.printf("dyn0 attached %.0f ms after 'ip link add' began%n",
                        (System.nanoTime() - since) / 1e6);
                int firstIndex = AttachedInterfaces.index(ns, "dyn0");
                assertThat(exporter.stderrText()).contains("attached to dyn0 via tcx (index " + firstIndex + ")");
                Await.until(() -> AttachedInterfaces.reported(exporter).contains("dyn0"), SETTLE, exporter::log);
                assertMeasured(exporter, first);

                // Vanishes: released, and no longer reported.
                ns.ip("link", "del", "dyn0");
                Await.until(() -> exporter.stderrText().contains("detached from dyn0 (index " + firstIndex
                        + "): it is gone"), SETTLE, exporter::log);
                Await.until(() -> !AttachedInterfaces.listed(exporter).contains("dyn0"), SETTLE, exporter::log);
            } finally {
                first.close();
            }

            // Re-created under the same name: a new index, attached again, measured again.
            try (VethPair second = VethPair.addTo(base, "dyn0", "dyn0-peer")) {
                int secondIndex = AttachedInterfaces.index(ns, "dyn0");
                Await.until(() -> AttachedInterfaces.tcxOnBothHooks(ns, "dyn0"), ATTACH_BOUND, exporter::log);
                assertThat(exporter.stderrText()).as(exporter::log)
                        .contains("attached to dyn0 via tcx (index " + secondIndex + ")");
                assertMeasured(exporter, second);

                // Renamed to a name that still matches: kept, reported under the new name.
                rename(ns, "dyn0", "dyn1");
                Await.until(() -> AttachedInterfaces.reported(exporter).equals(Set.of("dyn1")), SETTLE,
                        exporter::log);
                assertThat(AttachedInterfaces.tcxOnBothHooks(ns, "dyn1")).isTrue();
                assertThat(exporter.stderrText()).contains("dyn0 (index " + secondIndex + ") is now named dyn1");

                // Renamed to a name that does not match: released, programs gone from the device.
                rename(ns, "dyn1", "other1");
                Await.until(() -> AttachedInterfaces.tcxEmpty(ns, "other1"), SETTLE, exporter::log);
                Await.until(() -> AttachedInterfaces.reported(exporter).isEmpty(), SETTLE, exporter::log);
                assertThat(exporter.stderrText()).contains("renamed to other1, which is not selected");

                // And back to a matching name: attached again.
                rename(ns, "other1", "dyn2");
                Await.until(() -> AttachedInterfaces.tcxOnBothHooks(ns, "dyn2"), ATTACH_BOUND, exporter::log);
                assertThat(exporter.stop()).as(exporter::log).isZero();
                assertThat(AttachedInterfaces.tcxEmpty(ns, "dyn2")).isTrue();
            }
        }
    }

    @Test
    void allFollowsInterfacesGoingUpAndDownAndExclusionsHold() throws Exception {
        try (VethPair base = VethPair.create();
                ExporterProcess exporter = ExporterProcess.start(base.client(), "--interface", "all",
                        "--interface.exclude", "skip*")) {
            NetworkNamespace ns = base.client();
            Await.until(() -> AttachedInterfaces.reported(exporter).equals(Set.of(base.clientInterface())), SETTLE,
                    exporter::log);
            ns.ip("link", "add", "up0", "type", "veth", "peer", "name", "skip0");
            // Down: not selected by all.
            assertThat(AttachedInterfaces.tcxEmpty(ns, "up0")).isTrue();

            ns.ip("link", "set", "up0", "up");
            ns.ip("link", "set", "skip0", "up");
            Await.until(() -> AttachedInterfaces.tcxOnBothHooks(ns, "up0"), ATTACH_BOUND, exporter::log);
            Await.until(() -> AttachedInterfaces.reported(exporter).equals(Set.of(base.clientInterface(), "up0")),
                    SETTLE, exporter::log);
            assertThat(AttachedInterfaces.tcxEmpty(ns, "skip0")).as("excluded").isTrue();

            ns.ip("link", "set", "up0", "down");
            Await.until(() -> AttachedInterfaces.tcxEmpty(ns, "up0"), SETTLE, exporter::log);
            assertThat(exporter.stderrText()).contains("detached from up0", "no longer selected");
            assertThat(exporter.stop()).as(exporter::log).isZero();
        }
    }

    @Test
    void anInterfaceThatCannotBeAttachedIsReportedAndRetried() throws Exception {
        try (VethPair base = VethPair.create();
                ExporterProcess exporter = ExporterProcess.start(base.client(), "--interface", "dyn*",
                        "--attach-mode", "tc")) {
            NetworkNamespace ns = base.client();
            // A foreign filter that holds the legacy priority tcplat needs, on an interface made
            // under another name and renamed once the filter is in place.
            ns.ip("link", "add", "prep9", "type", "veth", "peer", "name", "peer9");
            ns.exec("tc", "qdisc", "add", "dev", "prep9", "clsact").check();
            ns.exec("tc", "filter", "add", "dev", "prep9", "ingress", "prio", "1985", "u32",
                    "match", "ip", "protocol", "17", "0xff", "flowid", "ffff:1").check();
            ns.ip("link", "set", "prep9", "name", "dyn9");
            ns.ip("link", "set", "dyn9", "up");

            Await.until(() -> exporter.scrape().value(AttachedInterfaces.METRIC,
                    Map.of("interface", "dyn9", "mode", "tc")).orElse(-1) == 0, SETTLE, exporter::log);
            assertThat(exporter.stderrText()).contains("cannot attach to interface dyn9", "retrying in 1 s");

            // The obstacle goes; a retry attaches without a restart.
            ns.exec("tc", "filter", "del", "dev", "dyn9", "ingress", "prio", "1985").check();
            Await.until(() -> AttachedInterfaces.reported(exporter).contains("dyn9"), Duration.ofSeconds(10),
                    exporter::log);
            assertThat(exporter.stderrText().lines().filter(l -> l.contains("cannot attach to interface dyn9")))
                    .as("the failure is logged once, not per retry").hasSize(1);
            assertThat(exporter.stop()).as(exporter::log).isZero();
            assertThat(Attachments.tcFilters(ns, "dyn9", Attachments.Hook.INGRESS)).isEmpty();
        }
    }

    /** Connections over {@code pair} are counted as handshakes to its server address. */
    private static void assertMeasured(ExporterProcess exporter, VethPair pair) throws Exception {
        try (TcpListener listener = TcpListener.open(pair.server(), pair.serverAddress(IpFamily.V4))) {
            TcpClient.connectAndClose(pair.client(), pair.serverAddress(IpFamily.V4), listener.port(), CONNECTIONS);
            Handshakes.assertOutboundCount(exporter, pair.serverPeerLabel(IpFamily.V4), CONNECTIONS);
        }
    }

    /** Linux renames only a device that is down. */
    private static void rename(NetworkNamespace ns, String from, String to) {
        ns.ip("link", "set", from, "down");
        ns.ip("link", "set", from, "name", to);
        ns.ip("link", "set", to, "up");
    }
}
