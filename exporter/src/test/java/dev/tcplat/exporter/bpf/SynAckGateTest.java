package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.PacketFrames.ACK;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IP;
import static dev.tcplat.exporter.bpf.PacketFrames.SYN;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_CLIENT;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_SERVER;
import static dev.tcplat.exporter.bpf.PacketFrames.ethernet;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.PacketFrames.Tcp;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The program's idle gate (the synacks count in its .bss, read here with bpftool) counts the
 * answered handshakes the kernel still waits for: a SYN-ACK opens it, and a handshake userspace
 * gives up on closes it again, so an idle server stops paying a map lookup per ingress ACK.
 */
class SynAckGateTest {
    @Test
    void forgettingTheLastWaitingSynAckClosesTheGate() throws Exception {
        try (Probe probe = Probe.open(1 << 16)) {
            assertThat(ProgramGlobals.read().synacksWaiting()).isZero();

            Tcp synAck = new Tcp().ports(443, 40300).flags(SYN | ACK).seq(5000).ack(88);
            probe.testRun(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, synAck.bytes())));
            assertThat(ProgramGlobals.read().synacksWaiting()).isEqualTo(1);

            probe.forgetSynAck(4, Arrays.copyOf(V4_SERVER, 16), Arrays.copyOf(V4_CLIENT, 16), 443, 40300);
            assertThat(ProgramGlobals.read().synacksWaiting()).isZero();
        }
    }
}
