package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.TcpFlags.ACK;
import static dev.tcplat.exporter.packets.TcpFlags.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel's table of answered inbound handshakes is bounded (65 536 entries). A SYN-ACK sent
 * while it is full must say so in its event, be counted, and leave the rest of the table working;
 * the test fills it through the real program, on a probe of its own so no other test shares it.
 */
class SynAckTableFullTest {
    private static final int TABLE_ENTRIES = 65536;
    private static final byte[] SERVER = {10, (byte) 212, 0, 1};

    @RegisterExtension
    static final ProgramTestRuns programs = ProgramTestRuns.freshForEachTest();

    /** Client number n: address 10.213.(n / 65536 ...) and a port, unique for every n. */
    private static byte[] client(int n) {
        return new byte[] {10, (byte) 213, (byte) (n >>> 8), (byte) n};
    }

    private static int clientPort(int n) {
        return 1024 + (n >>> 16);
    }

    private static byte[] synAck(int n) {
        TcpSegment tcp = new TcpSegment().ports(443, clientPort(n)).flags(SYN | ACK).seq(1_000_000L + n).ack(n + 1L);
        return ethernet(ETH_P_IP, ipv4(SERVER, client(n), tcp));
    }

    private static byte[] handshakeAck(int n) {
        TcpSegment tcp = new TcpSegment().ports(clientPort(n), 443).flags(ACK).seq(n + 1L).ack(1_000_001L + n);
        return ethernet(ETH_P_IP, ipv4(client(n), SERVER, tcp));
    }

    /** Runs one frame and returns the event flags of the single event it must emit. */
    private static int flagsOfOnlyEvent(ProgramVariant program, byte[] frame, int kind) throws ProbeException {
        List<EmittedEvent> events = programs.events(program, frame);
        assertThat(events).as("events").hasSize(1);
        assertThat(events.get(0).kind()).isEqualTo(kind);
        return events.get(0).flags();
    }

    @Test
    void synAckBeyondTheTableIsFlaggedCountedAndNotWaitedFor() throws ProbeException {
        for (int n = 0; n < TABLE_ENTRIES; n++) {
            int flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(n), EventLayout.KIND_SYNACK);
            assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).as("SYN-ACK %d fits", n).isZero();
        }
        assertThat(programs.probe().counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isZero();

        int overflow = TABLE_ENTRIES;
        int flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(overflow), EventLayout.KIND_SYNACK);
        assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).isEqualTo(EventLayout.FLAG_ACK_UNTRACKED);
        assertThat(programs.probe().counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isEqualTo(1);

        assertThat(programs.events(ProgramVariant.INGRESS_ETH, handshakeAck(overflow)))
                .as("the untracked handshake's ACK").isEmpty();
        // A remembered handshake still completes, and its entry makes room for the next one.
        flagsOfOnlyEvent(ProgramVariant.INGRESS_ETH, handshakeAck(7), EventLayout.KIND_ACK);
        flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(overflow + 1), EventLayout.KIND_SYNACK);
        assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).isZero();
        assertThat(programs.probe().counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isEqualTo(1);
    }
}
