package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.PacketFrames.ACK;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IP;
import static dev.tcplat.exporter.bpf.PacketFrames.SYN;
import static dev.tcplat.exporter.bpf.PacketFrames.ethernet;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.PacketFrames.Tcp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel's table of answered inbound handshakes is bounded (65 536 entries). A SYN-ACK sent
 * while it is full must say so in its event, be counted, and leave the rest of the table working;
 * the test fills it through the real program, on a probe of its own so no other test shares it.
 */
class SynAckTableFullTest {
    private static final int TABLE_ENTRIES = 65536;
    private static final byte[] SERVER = {10, (byte) 212, 0, 1};

    private Probe probe;
    private final ByteBuffer ring = ByteBuffer.allocateDirect(16 * EventLayout.EVENT_SIZE)
            .order(ByteOrder.nativeOrder());

    @BeforeEach
    void load() throws ProbeException {
        probe = Probe.open(1 << 16);
    }

    @AfterEach
    void unload() {
        probe.close();
    }

    /** Client number n: address 10.213.(n / 65536 ...) and a port, unique for every n. */
    private static byte[] client(int n) {
        return new byte[] {10, (byte) 213, (byte) (n >>> 8), (byte) n};
    }

    private static int clientPort(int n) {
        return 1024 + (n >>> 16);
    }

    private byte[] synAck(int n) {
        Tcp tcp = new Tcp().ports(443, clientPort(n)).flags(SYN | ACK).seq(1_000_000L + n).ack(n + 1L);
        return ethernet(ETH_P_IP, ipv4(SERVER, client(n), tcp.bytes()));
    }

    private byte[] handshakeAck(int n) {
        Tcp tcp = new Tcp().ports(clientPort(n), 443).flags(ACK).seq(n + 1L).ack(1_000_001L + n);
        return ethernet(ETH_P_IP, ipv4(client(n), SERVER, tcp.bytes()));
    }

    /** Runs one frame and returns the event flags of the single event it must emit. */
    private int flagsOfOnlyEvent(ProgramVariant program, byte[] frame, int kind) throws ProbeException {
        probe.testRun(program, frame);
        assertThat(probe.poll(ring, 16, 0)).as("events").isEqualTo(1);
        assertThat(ring.get(EventLayout.KIND)).isEqualTo((byte) kind);
        return ring.get(EventLayout.FLAGS);
    }

    @Test
    void synAckBeyondTheTableIsFlaggedCountedAndNotWaitedFor() throws ProbeException {
        for (int n = 0; n < TABLE_ENTRIES; n++) {
            int flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(n), EventLayout.KIND_SYNACK);
            assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).as("SYN-ACK %d fits", n).isZero();
        }
        assertThat(probe.counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isZero();

        int overflow = TABLE_ENTRIES;
        int flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(overflow), EventLayout.KIND_SYNACK);
        assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).isEqualTo(EventLayout.FLAG_ACK_UNTRACKED);
        assertThat(probe.counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isEqualTo(1);

        probe.testRun(ProgramVariant.INGRESS_ETH, handshakeAck(overflow));
        assertThat(probe.poll(ring, 16, 0)).as("the untracked handshake's ACK").isZero();
        // A remembered handshake still completes, and its entry makes room for the next one.
        flagsOfOnlyEvent(ProgramVariant.INGRESS_ETH, handshakeAck(7), EventLayout.KIND_ACK);
        flags = flagsOfOnlyEvent(ProgramVariant.EGRESS_ETH, synAck(overflow + 1), EventLayout.KIND_SYNACK);
        assertThat(flags & EventLayout.FLAG_ACK_UNTRACKED).isZero();
        assertThat(probe.counter(EventLayout.COUNTER_SYNACK_TABLE_FULL)).isEqualTo(1);
    }
}
