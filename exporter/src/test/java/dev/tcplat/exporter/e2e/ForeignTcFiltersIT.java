package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.e2e.Attachments.Hook;
import org.junit.jupiter.api.Test;

/**
 * Attaching politely in legacy mode: a clsact qdisc and filters that someone else put on the
 * interface before the exporter started are still there, unchanged, after it stopped, and the
 * exporter still counts handshakes while sharing the hooks with them.
 */
class ForeignTcFiltersIT {
    private static final int CONNECTIONS = 25;

    @Test
    void foreignQdiscAndFiltersSurviveTheExporter() throws Exception {
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(IpFamily.V4))) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            // This kernel has cls_u32 and cls_bpf but no gact or matchall: a u32 filter that
            // matches only UDP (flowid, no action) and a classic-BPF filter that matches nothing,
            // so TCP passes on to the exporter's filter.
            ns.exec("tc", "qdisc", "add", "dev", dev, "clsact").check();
            ns.exec("tc", "filter", "add", "dev", dev, "ingress", "prio", "1", "u32",
                    "match", "ip", "protocol", "17", "0xff", "flowid", "ffff:1").check();
            ns.exec("tc", "filter", "add", "dev", dev, "egress", "prio", "3", "handle", "7", "bpf",
                    "bytecode", "1,6 0 0 0,").check();
            String ingressBefore = Attachments.tcFilters(ns, dev, Hook.INGRESS);
            String egressBefore = Attachments.tcFilters(ns, dev, Hook.EGRESS);

            try (ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev, "--attach-mode", "tc")) {
                assertThat(Attachments.tcFilters(ns, dev, Hook.INGRESS)).as(exporter::log)
                        .contains("pref 1 u32", "direct-action");
                assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).as(exporter::log)
                        .contains("pref 3 bpf", "direct-action");

                TcpClient.connectAndClose(ns, veth.serverAddress(IpFamily.V4), listener.port(), CONNECTIONS);
                Handshakes.assertOutboundCount(exporter, veth.serverPeerLabel(IpFamily.V4), CONNECTIONS);

                assertThat(exporter.stop()).as(exporter::log).isZero();
            }

            assertThat(Attachments.hasClsact(ns, dev)).as("the foreign clsact qdisc").isTrue();
            assertThat(Attachments.tcFilters(ns, dev, Hook.INGRESS)).isEqualTo(ingressBefore);
            assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).isEqualTo(egressBefore);
        }
    }
}
