package dev.tcplat.exporter.pipeline;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Reads {@code struct tcplat_event} records straight out of the drain buffer with absolute
 * getters and routes their fields to the matcher of their direction: no object per event.
 *
 * <p>Ports, seq, ack and timestamps were converted to host order in BPF, so the buffer must be in
 * native order; addresses are wire bytes and are read big-endian, which keeps IPv4 in the top four
 * bytes of the high half.
 *
 * <p>Routing: a SYN leaving this host, and the SYN-ACK or RST coming back, belong to outbound
 * handshakes; a SYN arriving, and this host's SYN-ACK or RST and the client's ACK, to inbound
 * ones. Each matcher gets the tuple as (local, remote).
 */
public final class EventDecoder {
    private final OutboundMatcher outbound;
    private final InboundMatcher inbound;
    private final LongConsumer alsoExpire;

    // Written by the drain thread only, read by scrapes.
    private volatile long synEvents;
    private volatile long synAckEvents;
    private volatile long rstEvents;
    private volatile long ackEvents;
    private volatile long unknownEvents;

    public EventDecoder(OutboundMatcher outbound, InboundMatcher inbound) {
        this(outbound, inbound, now -> { });
    }

    /** @param alsoExpire run on every expiry tick too, with the same clock (the per-peer series' idle expiry) */
    public EventDecoder(OutboundMatcher outbound, InboundMatcher inbound, LongConsumer alsoExpire) {
        this.outbound = outbound;
        this.inbound = inbound;
        this.alsoExpire = alsoExpire;
    }

    /** Decodes records 0..count-1 of {@code buf}. */
    public void decode(ByteBuffer buf, int count) {
        for (int i = 0; i < count; i++) {
            decodeOne(buf, i * EventLayout.EVENT_SIZE);
        }
    }

    /** Expires both directions' pending handshakes at kernel time {@code nowNs}. */
    public void expire(long nowNs) {
        outbound.expire(nowNs);
        inbound.expire(nowNs);
        alsoExpire.accept(nowNs);
    }

    private void decodeOne(ByteBuffer buf, int base) {
        int kind = buf.get(base + EventLayout.KIND);
        boolean egress = buf.get(base + EventLayout.DIRECTION) == EventLayout.DIR_EGRESS;
        int family = buf.get(base + EventLayout.FAMILY);
        long ts = buf.getLong(base + EventLayout.TS_NS);
        long srcHi = bigEndianLong(buf, base + EventLayout.SADDR);
        long srcLo = bigEndianLong(buf, base + EventLayout.SADDR + 8);
        long dstHi = bigEndianLong(buf, base + EventLayout.DADDR);
        long dstLo = bigEndianLong(buf, base + EventLayout.DADDR + 8);
        int sport = Short.toUnsignedInt(buf.getShort(base + EventLayout.SPORT));
        int dport = Short.toUnsignedInt(buf.getShort(base + EventLayout.DPORT));
        int seq = buf.getInt(base + EventLayout.SEQ);
        int ack = buf.getInt(base + EventLayout.ACK);
        boolean hasTs = (buf.get(base + EventLayout.FLAGS) & EventLayout.FLAG_HAS_TS) != 0;

        // Egress packets go local → remote; ingress packets remote → local.
        switch (kind) {
            case EventLayout.KIND_SYN:
                synEvents++;
                int tsval = buf.getInt(base + EventLayout.TSVAL);
                if (egress) {
                    outbound.onEgressSyn(family, srcHi, srcLo, sport, dstHi, dstLo, dport, seq, hasTs, tsval, ts);
                } else {
                    inbound.onIngressSyn(family, dstHi, dstLo, dport, srcHi, srcLo, sport, seq, hasTs, tsval, ts);
                }
                break;
            case EventLayout.KIND_SYNACK:
                synAckEvents++;
                if (egress) {
                    boolean ackTracked = (buf.get(base + EventLayout.FLAGS) & EventLayout.FLAG_ACK_UNTRACKED) == 0;
                    inbound.onEgressSynAck(family, srcHi, srcLo, sport, dstHi, dstLo, dport, seq, ack, ackTracked, ts);
                } else {
                    int tsecr = buf.getInt(base + EventLayout.TSECR);
                    outbound.onIngressSynAck(family, dstHi, dstLo, dport, srcHi, srcLo, sport, ack, hasTs, tsecr, ts);
                }
                break;
            case EventLayout.KIND_RST:
                rstEvents++;
                boolean ackFlag = (buf.get(base + EventLayout.TCP_FLAGS) & EventLayout.TCP_ACK) != 0;
                if (egress) {
                    inbound.onEgressReset(family, srcHi, srcLo, sport, dstHi, dstLo, dport, ack, ackFlag);
                } else {
                    outbound.onIngressReset(family, dstHi, dstLo, dport, srcHi, srcLo, sport, ack, ackFlag);
                }
                break;
            case EventLayout.KIND_ACK:
                ackEvents++;
                if (!egress) {
                    inbound.onIngressAck(family, dstHi, dstLo, dport, srcHi, srcLo, sport, ack, ts);
                }
                break;
            default:
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

    public long ackEvents() {
        return ackEvents;
    }

    public long unknownEvents() {
        return unknownEvents;
    }
}
