package dev.tcplat.exporter.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.match.RecordingListener.Outcome;
import dev.tcplat.exporter.match.RecordingListener;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
    private final RecordingListener listener = new RecordingListener();
    private final List<long[]> forgotten = new ArrayList<>();
    private final OutboundMatcher matcher = new OutboundMatcher(64, 1_000_000_000L, listener);
    private final InboundMatcher inbound = new InboundMatcher(64, 1_000_000_000L, listener,
            t -> forgotten.add(
                    new long[] {t.family(), t.localHi(), t.remoteHi(), t.localPort(), t.remotePort()}));
    private final EventDecoder decoder = new EventDecoder(matcher, inbound);
    private final ByteBuffer buf = ByteBuffer.allocateDirect(8 * EventLayout.EVENT_SIZE).order(ByteOrder.nativeOrder());

    /** Writes one record the way the BPF program lays it out (see tcplat_abi.h). */
    private void record(int index, int kind, int direction, int family, byte[] src, byte[] dst,
            int sport, int dport, int seq, int ack, long ts) {
        int base = index * EventLayout.EVENT_SIZE;
        for (int i = 0; i < EventLayout.EVENT_SIZE; i++) {
            buf.put(base + i, (byte) 0);
        }
        buf.putLong(base + EventLayout.TS_NS, ts);
        for (int i = 0; i < src.length; i++) {
            buf.put(base + EventLayout.SADDR + i, src[i]);
            buf.put(base + EventLayout.DADDR + i, dst[i]);
        }
        buf.putInt(base + EventLayout.SEQ, seq);
        buf.putInt(base + EventLayout.ACK, ack);
        buf.putShort(base + EventLayout.SPORT, (short) sport);
        buf.putShort(base + EventLayout.DPORT, (short) dport);
        buf.put(base + EventLayout.FAMILY, (byte) family);
        buf.put(base + EventLayout.KIND, (byte) kind);
        buf.put(base + EventLayout.DIRECTION, (byte) direction);
    }

    @Test
    void ipv4SynAndSynAckRecordsBecomeOneSampleForTheRemotePeer() {
        byte[] local = {10, (byte) 211, 0, 1};
        byte[] remote = {10, (byte) 211, 0, 2};
        record(0, EventLayout.KIND_SYN, EventLayout.DIR_EGRESS, 4, local, remote, 50000, 8080, 0x80000000, 0, 1_000);
        record(1, EventLayout.KIND_SYNACK, EventLayout.DIR_INGRESS, 4, remote, local, 8080, 50000, 7, 0x80000001, 51_000);

        decoder.decode(buf, 2);

        assertThat(listener.outcomes).containsExactly(new Outcome("handshake", Direction.OUTBOUND, 4, 0x0ad3000200000000L, 0, 8080, 50_000, 50_000));
        assertThat(decoder.synEvents()).isEqualTo(1);
        assertThat(decoder.synAckEvents()).isEqualTo(1);
    }

    @Test
    void ipv6AddressesAndHighPortsSurviveDecoding() {
        byte[] local = new byte[16];
        byte[] remote = new byte[16];
        local[0] = (byte) 0xfd;
        remote[0] = (byte) 0xfd;
        local[15] = 1;
        remote[15] = 2;
        remote[8] = (byte) 0x80;
        record(0, EventLayout.KIND_SYN, EventLayout.DIR_EGRESS, 6, local, remote, 65535, 443, 42, 0, 10);
        record(1, EventLayout.KIND_SYNACK, EventLayout.DIR_INGRESS, 6, remote, local, 443, 65535, 9, 43, 30);

        decoder.decode(buf, 2);

        assertThat(listener.outcomes).containsExactly(new Outcome("handshake", Direction.OUTBOUND, 6, 0xfd00000000000000L, 0x8000000000000002L, 443, 20, 20));
    }

    @Test
    void ingressResetAcknowledgingThePendingSynIsAFailure() {
        byte[] local = {10, (byte) 211, 0, 1};
        byte[] remote = {10, (byte) 211, 0, 2};
        record(0, EventLayout.KIND_SYN, EventLayout.DIR_EGRESS, 4, local, remote, 50000, 9, 41, 0, 1_000);
        record(1, EventLayout.KIND_RST, EventLayout.DIR_INGRESS, 4, remote, local, 9, 50000, 0, 42, 2_000);
        buf.put(EventLayout.EVENT_SIZE + EventLayout.TCP_FLAGS, (byte) 0x14);

        decoder.decode(buf, 2);

        assertThat(listener.outcomes).containsExactly(new Outcome("reset", Direction.OUTBOUND, 4, 0x0ad3000200000000L, 0, 9, 0, 0));
        assertThat(decoder.rstEvents()).isEqualTo(1);
        assertThat(matcher.pendingCount()).isZero();
    }

    @Test
    void inboundSynSynAckAndAckGiveTurnaroundAndRtt() {
        byte[] server = {10, (byte) 211, 0, 2};
        byte[] client = {10, (byte) 211, 0, 1};
        record(0, EventLayout.KIND_SYN, EventLayout.DIR_INGRESS, 4, client, server, 50000, 8080, 100, 0, 1_000);
        record(1, EventLayout.KIND_SYNACK, EventLayout.DIR_EGRESS, 4, server, client, 8080, 50000, 900, 101, 1_300);
        record(2, EventLayout.KIND_ACK, EventLayout.DIR_INGRESS, 4, client, server, 50000, 8080, 101, 901, 41_300);

        decoder.decode(buf, 3);

        long clientHi = 0x0ad3000100000000L;
        assertThat(listener.outcomes).containsExactly(
                new Outcome("turnaround", Direction.INBOUND, 4, clientHi, 0, 8080, 300, 0),
                new Outcome("handshake", Direction.INBOUND, 4, clientHi, 0, 8080, 40_000, 40_300));
        assertThat(decoder.ackEvents()).isEqualTo(1);
        assertThat(inbound.pendingCount()).isZero();
    }

    @Test
    void unknownKindsAreCountedNotMatched() {
        byte[] a = {1, 2, 3, 4};
        byte[] b = {5, 6, 7, 8};
        record(0, 99, EventLayout.DIR_EGRESS, 4, a, b, 1, 2, 3, 0, 3);

        decoder.decode(buf, 1);

        assertThat(listener.outcomes).isEmpty();
        assertThat(decoder.unknownEvents()).isEqualTo(1);
        assertThat(matcher.pendingCount()).isZero();
        assertThat(forgotten).isEmpty();
    }
}
