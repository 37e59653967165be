package dev.tcplat.exporter.match;

/**
 * Pairs handshake packets into latency samples. Pure Java, driven by one thread (the drainer),
 * allocation-free per event.
 *
 * <p>Outbound connections: an egress SYN (this host → peer) opens a pending entry keyed on the
 * tuple as seen from this host; the ingress SYN-ACK of the reversed tuple closes it — but only if
 * it acknowledges exactly that SYN ({@code ack == seq + 1} modulo 2^32, RFC 9293 §3.5), so a stray
 * or stale SYN-ACK on a reused tuple is never paired with the wrong connection.
 *
 * <p>Every entry that leaves the table without a match is counted by reason. Counters are written
 * by the drain thread only and read by scrapes; volatile makes each read see a recent value.
 */
public final class HandshakeMatcher {
    private final PendingTable pending;
    private final long ttlNanos;
    private final HandshakeListener listener;

    private volatile long matched;
    private volatile long synRetransmits;
    private volatile long ackMismatches;
    private volatile long unmatchedSynAcks;
    private volatile long evictedExpired;
    private volatile long evictedTableFull;
    private volatile long evictedReplaced;
    private volatile long inboundIgnored;

    public HandshakeMatcher(int capacity, long ttlNanos, HandshakeListener listener) {
        if (ttlNanos <= 0) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttlNanos + " ns");
        }
        this.pending = new PendingTable(capacity);
        this.ttlNanos = ttlNanos;
        this.listener = listener;
    }

    /**
     * An egress SYN: this host opens a connection from (local) to (remote).
     */
    public void onEgressSyn(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int seq, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            if (pending.insert(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, seq, tsNs) < 0) {
                // Keep what is already waiting: those SYNs are older and closer to their answer.
                evictedTableFull++;
            }
        } else if (pending.seq(slot) == seq) {
            // Same connection, SYN sent again. Measure from the latest copy: when the first SYN
            // was lost, the SYN-ACK answers the retransmission, and the retransmit timeout is
            // not network latency.
            pending.retransmitted(slot, tsNs);
            synRetransmits++;
        } else {
            // Same tuple, new initial sequence number: the old attempt is over (port reuse).
            pending.reset(slot, seq, tsNs);
            evictedReplaced++;
        }
    }

    /**
     * An ingress SYN-ACK from (remote) to (local), answering a SYN this host sent.
     */
    public void onIngressSynAck(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int ack, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            unmatchedSynAcks++;
            return;
        }
        if (ack != pending.seq(slot) + 1) {
            ackMismatches++;
            return;
        }
        long rtt = tsNs - pending.lastSynNs(slot);
        pending.remove(slot);
        matched++;
        listener.onOutboundHandshake(family, remoteHi, remoteLo, remotePort, Math.max(0, rtt));
    }

    /** Ingress SYNs and egress SYN-ACKs belong to inbound connections, not measured yet. */
    public void onInboundHandshakePacket() {
        inboundIgnored++;
    }

    /** Drops entries whose first SYN is older than the TTL at kernel time {@code nowNs}. */
    public void expire(long nowNs) {
        int removed = pending.removeOlderThan(nowNs - ttlNanos);
        if (removed > 0) {
            evictedExpired += removed;
        }
    }

    public int pendingCount() {
        return pending.size();
    }

    public long matched() {
        return matched;
    }

    public long synRetransmits() {
        return synRetransmits;
    }

    public long ackMismatches() {
        return ackMismatches;
    }

    public long unmatchedSynAcks() {
        return unmatchedSynAcks;
    }

    public long evictedExpired() {
        return evictedExpired;
    }

    public long evictedTableFull() {
        return evictedTableFull;
    }

    public long evictedReplaced() {
        return evictedReplaced;
    }

    public long inboundIgnored() {
        return inboundIgnored;
    }
}
