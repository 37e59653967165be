package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.TestHosts.V4_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V4_SERVER;
import static dev.tcplat.exporter.bpf.TestHosts.V6_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V6_SERVER;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IPV6;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.Ipv6Packet.ipv6;
import static dev.tcplat.exporter.packets.TcpFlags.ACK;
import static dev.tcplat.exporter.packets.TcpFlags.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ACK pre-filter: each SYN-ACK waiting for its ACK counts in the slot of the ACK number that
 * completes it (the low 14 bits), an ingress ACK whose slot is zero never reaches the synacks
 * map, and every way an entry leaves gives its slot back. Slots are read back from the program's
 * .bss with bpftool; each test loads its own program, so they start at zero.
 */
class AckPreFilterTest {
    private static final int SERVER_PORT = 443;
    private static final int CLIENT_PORT = 40500;

    @RegisterExtension
    static final ProgramTestRuns programs = ProgramTestRuns.freshForEachTest();

    private static byte[] synAck(long seq) {
        TcpSegment tcp = new TcpSegment().ports(SERVER_PORT, CLIENT_PORT).flags(SYN | ACK).seq(seq).ack(7001);
        return ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, tcp));
    }

    private static byte[] clientAck(long ack) {
        TcpSegment tcp = new TcpSegment().ports(CLIENT_PORT, SERVER_PORT).flags(ACK).seq(7001).ack(ack & 0xffffffffL);
        return ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, tcp));
    }

    /** Runs one frame and returns the kinds of the events it emitted. */
    private static int[] run(ProgramVariant program, byte[] frame) throws ProbeException {
        return programs.events(program, frame).stream().mapToInt(EmittedEvent::kind).toArray();
    }

    private static void assertNothingWaits() throws Exception {
        ProgramGlobals g = ProgramGlobals.read();
        assertThat(g.synacksWaiting()).as("idle gate").isZero();
        assertThat(g.ackSlotSum()).as("sum of all ACK slots").isZero();
    }

    @Test
    void theCompletingAckEmptiesItsSlotAndOtherAcksLeaveItAlone() throws Exception {
        long seq = 0x5a5a1234L;
        assertThat(run(ProgramVariant.EGRESS_ETH, synAck(seq))).containsExactly(EventLayout.KIND_SYNACK);
        ProgramGlobals g = ProgramGlobals.read();
        assertThat(g.ackSlot(seq + 1)).isEqualTo(1);
        assertThat(g.ackSlotSum()).isEqualTo(1);
        assertThat(g.synacksWaiting()).isEqualTo(1);

        long otherSlot = seq + 1 + 77;
        assertThat(ProgramGlobals.read().ackSlot(otherSlot)).isZero();
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(otherSlot))).isEmpty();
        assertThat(ProgramGlobals.read().ackSlot(seq + 1)).as("an unrelated ACK changes nothing").isEqualTo(1);

        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(seq + 1))).containsExactly(EventLayout.KIND_ACK);
        assertNothingWaits();
    }

    @Test
    void anAckWhoseSlotIsZeroNeverLooksUpTheTable() throws Exception {
        long seq = 0x01020304L;
        run(ProgramVariant.EGRESS_ETH, synAck(seq));
        ProgramGlobals.read().writeAckSlot(seq + 1, 0);

        // The entry is there and the gate open: only the pre-filter can hold this ACK back.
        assertThat(ProgramGlobals.read().synacksWaiting()).isEqualTo(1);
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(seq + 1))).isEmpty();

        ProgramGlobals.read().writeAckSlot(seq + 1, 1);
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(seq + 1))).containsExactly(EventLayout.KIND_ACK);
        assertNothingWaits();
    }

    @Test
    void anAckSharingTheSlotCostsALookupAndLeavesTheEntryWaiting() throws Exception {
        long seq = 0xfffffffeL;
        run(ProgramVariant.EGRESS_ETH, synAck(seq));
        long sameSlot = seq + 1 + ProgramGlobals.ACK_SLOTS;

        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(sameSlot))).isEmpty();
        assertThat(ProgramGlobals.read().ackSlot(seq + 1)).isEqualTo(1);
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(seq + 1))).containsExactly(EventLayout.KIND_ACK);
        assertNothingWaits();
    }

    @Test
    void theAckNumberWrapsWithTheSequenceSpace() throws Exception {
        long seq = 0xffffffffL;
        run(ProgramVariant.EGRESS_ETH, synAck(seq));
        assertThat(ProgramGlobals.read().ackSlot(0)).isEqualTo(1);
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(0))).containsExactly(EventLayout.KIND_ACK);
        assertNothingWaits();
    }

    @Test
    void forgettingAHandshakeReleasesItsSlot() throws Exception {
        long seq = 0x00c0ffeeL;
        TcpSegment synAck = new TcpSegment().ports(SERVER_PORT, CLIENT_PORT).flags(SYN | ACK).seq(seq).ack(7001);
        TcpSegment ack = new TcpSegment().ports(CLIENT_PORT, SERVER_PORT).flags(ACK).seq(7001).ack(seq + 1);
        run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_SERVER, V6_CLIENT, synAck)));
        assertThat(ProgramGlobals.read().ackSlot(seq + 1)).isEqualTo(1);

        programs.probe().forgetSynAck(6, V6_SERVER, V6_CLIENT, SERVER_PORT, CLIENT_PORT);
        assertNothingWaits();
        // a second forget finds nothing, and gives nothing back twice
        programs.probe().forgetSynAck(6, V6_SERVER, V6_CLIENT, SERVER_PORT, CLIENT_PORT);
        assertNothingWaits();
        assertThat(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, ack))))
                .isEmpty();
    }

    @Test
    void aReusedTupleMovesToTheSlotOfItsNewSequenceNumber() throws Exception {
        long first = 0x11110000L;
        long second = 0x22220005L;
        run(ProgramVariant.EGRESS_ETH, synAck(first));
        run(ProgramVariant.EGRESS_ETH, synAck(first));
        ProgramGlobals g = ProgramGlobals.read();
        assertThat(g.ackSlot(first + 1)).as("a retransmitted SYN-ACK counts once").isEqualTo(1);
        assertThat(g.synacksWaiting()).isEqualTo(1);

        run(ProgramVariant.EGRESS_ETH, synAck(second));
        g = ProgramGlobals.read();
        assertThat(g.ackSlot(first + 1)).isZero();
        assertThat(g.ackSlot(second + 1)).isEqualTo(1);
        assertThat(g.ackSlotSum()).isEqualTo(1);
        assertThat(g.synacksWaiting()).isEqualTo(1);

        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(first + 1))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, clientAck(second + 1))).containsExactly(EventLayout.KIND_ACK);
        assertNothingWaits();
    }
}
