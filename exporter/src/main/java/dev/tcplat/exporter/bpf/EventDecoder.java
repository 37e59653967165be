package dev.tcplat.exporter.bpf;

import dev.tcplat.exporter.match.HandshakeMatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads {@code struct tcplat_event} records straight out of the drain buffer with absolute
 * getters and hands their fields to the matcher: no object per event.
 *
 * <p>Ports, seq, ack and timestamps were converted to host order in BPF, so the buffer must be in
 * native order; addresses are wire bytes and are read big-endian, which keeps IPv4 in the top four
 * bytes of the high half.
 */
public final class EventDecoder {
    private final HandshakeMatcher matcher;
    // Written by the drain thread only, read by scrapes.
    private volatile long synEvents;
    private volatile long synAckEvents;
    private volatile long rstEvents;
    private volatile long unknownEvents;

    public EventDecoder(HandshakeMatcher matcher) {
        this.matcher = matcher;
    }

    /** Decodes records 0..count-1 of {@code buf}. */
    public void decode(ByteBuffer buf, int count) {
        for (int i = 0; i < count; i++) {
            decodeOne(buf, i * EventLayout.EVENT_SIZE);
        }
    }

    private void decodeOne(ByteBuffer buf, int base) {
        int kind = buf.get(base + EventLayout.KIND);
        int direction = buf.get(base + EventLayout.DIRECTION);
        int family = buf.get(base + EventLayout.FAMILY);
        long ts = buf.getLong(base + EventLayout.TS_NS);
        long srcHi = bigEndianLong(buf, base + EventLayout.SADDR);
        long srcLo = bigEndianLong(buf, base + EventLayout.SADDR + 8);
        long dstHi = bigEndianLong(buf, base + EventLayout.DADDR);
        long dstLo = bigEndianLong(buf, base + EventLayout.DADDR + 8);
        int sport = Short.toUnsignedInt(buf.getShort(base + EventLayout.SPORT));
        int dport = Short.toUnsignedInt(buf.getShort(base + EventLayout.DPORT));

        boolean hasTs = (buf.get(base + EventLayout.FLAGS) & EventLayout.FLAG_HAS_TS) != 0;

        if (kind == EventLayout.KIND_SYN) {
            synEvents++;
            if (direction == EventLayout.DIR_EGRESS) {
                int seq = buf.getInt(base + EventLayout.SEQ);
                int tsval = buf.getInt(base + EventLayout.TSVAL);
                matcher.onEgressSyn(family, srcHi, srcLo, sport, dstHi, dstLo, dport, seq, hasTs, tsval, ts);
            } else {
                matcher.onInboundHandshakePacket();
            }
        } else if (kind == EventLayout.KIND_SYNACK) {
            synAckEvents++;
            if (direction == EventLayout.DIR_INGRESS) {
                int ack = buf.getInt(base + EventLayout.ACK);
                int tsecr = buf.getInt(base + EventLayout.TSECR);
                // The SYN-ACK travels remote → local: its destination is this host.
                matcher.onIngressSynAck(family, dstHi, dstLo, dport, srcHi, srcLo, sport, ack, hasTs, tsecr, ts);
            } else {
                matcher.onInboundHandshakePacket();
            }
        } else if (kind == EventLayout.KIND_RST) {
            rstEvents++;
            if (direction == EventLayout.DIR_INGRESS) {
                int ack = buf.getInt(base + EventLayout.ACK);
                boolean ackFlag = (buf.get(base + EventLayout.TCP_FLAGS) & EventLayout.TCP_ACK) != 0;
                matcher.onIngressReset(family, dstHi, dstLo, dport, srcHi, srcLo, sport, ack, ackFlag);
            } else {
                matcher.onInboundHandshakePacket();
            }
        } else {
            unknownEvents++;
        }
    }

    private static long bigEndianLong(ByteBuffer buf, int offset) {
        long raw = buf.getLong(offset);
        return buf.order() == ByteOrder.BIG_ENDIAN ? raw : Long.reverseBytes(raw);
    }

    public long synEvents() {
        return synEvents;
    }

    public long synAckEvents() {
        return synAckEvents;
    }

    public long rstEvents() {
        return rstEvents;
    }

    public long unknownEvents() {
        return unknownEvents;
    }
}
