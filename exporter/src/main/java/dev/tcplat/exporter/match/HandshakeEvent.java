package dev.tcplat.exporter.match;

/**
 * One handshake packet as the kernel reported it, with its orientation resolved once: the
 * {@link #tuple()} is always (local, remote) from this host's point of view, whichever way the
 * packet went, so no consumer swaps source and destination again.
 *
 * <p>Mutable and reused: the drain thread decodes every record of a batch into the same event,
 * so the matchers get a value without an allocation per packet. Valid only during the call it
 * is passed to.
 */
public final class HandshakeEvent {
    /** Which handshake packet this is. */
    public enum Kind {
        SYN, SYN_ACK, RST, ACK
    }

    private final Tuple tuple = new Tuple();
    private Kind kind;
    private boolean egress;
    private long timestampNs;
    private int seq;
    private int ack;
    private boolean ackFlag;
    private boolean hasTimestamps;
    private int tsval;
    private int tsecr;
    private boolean ackTracked;

    /** (local, remote) as seen from this host. */
    public Tuple tuple() {
        return tuple;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the packet left this host, false when it arrived. */
    public boolean egress() {
        return egress;
    }

    /** Kernel time (CLOCK_MONOTONIC) at which the TC program saw the packet. */
    public long timestampNs() {
        return timestampNs;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    /** The TCP header's ACK flag: a RST refusing a SYN must carry it (RFC 9293 §3.10.7.3). */
    public boolean ackFlag() {
        return ackFlag;
    }

    /** The packet carries the timestamp option (RFC 7323); {@link #tsval()} and {@link #tsecr()} are valid. */
    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    public int tsval() {
        return tsval;
    }

    public int tsecr() {
        return tsecr;
    }

    /**
     * For an egress SYN-ACK: false when the kernel had no room to wait for the client's ACK, so
     * the handshake's completion will not be seen.
     */
    public boolean ackTracked() {
        return ackTracked;
    }

    /** Starts a new event: sets what every kind has and clears the rest. */
    public HandshakeEvent reset(Kind kind, boolean egress, long timestampNs) {
        this.kind = kind;
        this.egress = egress;
        this.timestampNs = timestampNs;
        this.seq = 0;
        this.ack = 0;
        this.ackFlag = false;
        this.hasTimestamps = false;
        this.tsval = 0;
        this.tsecr = 0;
        this.ackTracked = true;
        return this;
    }

    public HandshakeEvent sequence(int seq, int ack, boolean ackFlag) {
        this.seq = seq;
        this.ack = ack;
        this.ackFlag = ackFlag;
        return this;
    }

    /** The timestamp option's values as the record holds them; they mean something only when {@code present}. */
    public HandshakeEvent timestamps(boolean present, int tsval, int tsecr) {
        this.hasTimestamps = present;
        this.tsval = tsval;
        this.tsecr = tsecr;
        return this;
    }

    public HandshakeEvent ackTracked(boolean ackTracked) {
        this.ackTracked = ackTracked;
        return this;
    }

    @Override
    public String toString() {
        return "HandshakeEvent[" + kind + (egress ? " egress " : " ingress ") + tuple + ", ts=" + timestampNs
                + ", seq=" + Integer.toUnsignedString(seq) + ", ack=" + Integer.toUnsignedString(ack)
                + (hasTimestamps ? ", tsval=" + Integer.toUnsignedString(tsval) + ", tsecr="
                        + Integer.toUnsignedString(tsecr) : "") + "]";
    }
}
