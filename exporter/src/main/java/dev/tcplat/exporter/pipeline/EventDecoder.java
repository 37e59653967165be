package dev.tcplat.exporter.pipeline;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.match.HandshakeEvent.Kind;
import dev.tcplat.exporter.match.HandshakeEvent;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.match.Tuple;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Reads {@code struct tcplat_event} records straight out of the drain buffer with absolute
 * getters into one reused {@link HandshakeEvent} and routes it to the matcher of its handshake's
 * direction: no object per event.
 *
 * <p>Ports, seq, ack and timestamps were converted to host order in BPF, so the buffer must be in
 * native order; addresses are wire bytes and are read big-endian, which keeps IPv4 in the top four
 * bytes of the high half.
 *
 * <p>Routing: a SYN leaving this host, and the SYN-ACK or RST coming back, belong to outbound
 * handshakes; a SYN arriving, and this host's SYN-ACK or RST and the client's ACK, to inbound
 * ones. The event's tuple is (local, remote) whichever way the packet went.
 */
public final class EventDecoder {
    private final OutboundMatcher outbound;
    private final InboundMatcher inbound;
    private final LongConsumer alsoExpire;
    /** The one event every record is decoded into. */
    private final HandshakeEvent event = new HandshakeEvent();

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
        long ts = buf.getLong(base + EventLayout.TS_NS);
        switch (kind) {
            case EventLayout.KIND_SYN:
                synEvents++;
                read(buf, base, Kind.SYN, egress, ts);
                (egress ? outbound : inbound).onSyn(event);
                break;
            case EventLayout.KIND_SYNACK:
                synAckEvents++;
                read(buf, base, Kind.SYN_ACK, egress, ts);
                if (egress) {
                    inbound.onSynAck(event);
                } else {
                    outbound.onSynAck(event);
                }
                break;
            case EventLayout.KIND_RST:
                rstEvents++;
                read(buf, base, Kind.RST, egress, ts);
                (egress ? inbound : outbound).onReset(event);
                break;
            case EventLayout.KIND_ACK:
                ackEvents++;
                if (!egress) {
                    read(buf, base, Kind.ACK, false, ts);
                    inbound.onAck(event);
                }
                break;
            default:
                unknownEvents++;
        }
    }

    /** Fills {@link #event} from the record at {@code base}, turning (source, destination) into (local, remote). */
    private void read(ByteBuffer buf, int base, Kind kind, boolean egress, long ts) {
        long srcHi = bigEndianLong(buf, base + EventLayout.SADDR);
        long srcLo = bigEndianLong(buf, base + EventLayout.SADDR + 8);
        long dstHi = bigEndianLong(buf, base + EventLayout.DADDR);
        long dstLo = bigEndianLong(buf, base + EventLayout.DADDR + 8);
        int sport = Short.toUnsignedInt(buf.getShort(base + EventLayout.SPORT));
        int dport = Short.toUnsignedInt(buf.getShort(base + EventLayout.DPORT));
        int flags = buf.get(base + EventLayout.FLAGS);
        Tuple tuple = event.tuple().family(buf.get(base + EventLayout.FAMILY));
        // Egress packets go local → remote; ingress packets remote → local.
        if (egress) {
            tuple.local(srcHi, srcLo, sport).remote(dstHi, dstLo, dport);
        } else {
            tuple.local(dstHi, dstLo, dport).remote(srcHi, srcLo, sport);
        }
        event.reset(kind, egress, ts)
                .sequence(buf.getInt(base + EventLayout.SEQ), buf.getInt(base + EventLayout.ACK),
                        (buf.get(base + EventLayout.TCP_FLAGS) & EventLayout.TCP_ACK) != 0)
                .timestamps((flags & EventLayout.FLAG_HAS_TS) != 0, buf.getInt(base + EventLayout.TSVAL),
                        buf.getInt(base + EventLayout.TSECR))
                .ackTracked((flags & EventLayout.FLAG_ACK_UNTRACKED) == 0);
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
