package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.TestHosts.V4_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V4_SERVER;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.TcpFlags.ACK;
import static dev.tcplat.exporter.packets.TcpFlags.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpSegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The program's idle gate (the synacks count in its .bss, read here with bpftool) counts the
 * answered handshakes the kernel still waits for: a SYN-ACK opens it, and a handshake userspace
 * gives up on closes it again, so an idle server stops paying a map lookup per ingress ACK.
 */
class SynAckGateTest {
    @RegisterExtension
    static final ProgramTestRuns programs = ProgramTestRuns.freshForEachTest();

    @Test
    void forgettingTheLastWaitingSynAckClosesTheGate() throws Exception {
        assertThat(ProgramGlobals.read().synacksWaiting()).isZero();

        TcpSegment synAck = new TcpSegment().ports(443, 40300).flags(SYN | ACK).seq(5000).ack(88);
        programs.run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, synAck)));
        assertThat(ProgramGlobals.read().synacksWaiting()).isEqualTo(1);

        programs.probe().forgetSynAck(4, Arrays.copyOf(V4_SERVER, 16), Arrays.copyOf(V4_CLIENT, 16), 443, 40300);
        assertThat(ProgramGlobals.read().synacksWaiting()).isZero();
    }
}
