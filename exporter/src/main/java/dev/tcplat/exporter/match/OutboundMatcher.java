package dev.tcplat.exporter.match;

/**
 * Pairs the handshake packets of connections this host opens into latency samples and outcomes:
 * the egress SYN (this host → peer) opens a pending entry, the ingress SYN-ACK closes it — but
 * only if it acknowledges exactly that SYN ({@code ack == seq + 1} modulo 2^32, RFC 9293 §3.4),
 * so a stray or stale SYN-ACK on a reused tuple is never paired with the wrong connection.
 *
 * <p>Retransmitted SYNs: the RTT must not include the retransmission timeout. When the SYN-ACK
 * carries the timestamp option, its TSecr echoes the TSval of the SYN it answers (RFC 7323 §3.2),
 * which names the SYN to measure from. Without timestamps, a handshake whose SYN was sent more
 * than once gives no RTT sample (Karn's rule); its connect duration is still recorded.
 */
public final class OutboundMatcher extends HandshakeMatcher {
    private volatile long ackMismatches;
    private volatile long unmatchedSynAcks;
    private volatile long lateSynAcks;
    private volatile long evictedReplaced;

    public OutboundMatcher(int capacity, long timeoutNanos, HandshakeListener listener) {
        super(Direction.OUTBOUND, capacity, timeoutNanos, listener);
    }

    /** An ingress SYN-ACK, answering a SYN this host sent. */
    public void onSynAck(HandshakeEvent synAck) {
        int slot = pending.find(synAck.tuple());
        if (slot < 0) {
            if (!early.park(synAck)) {
                unmatchedSynAcks++;
            }
            return;
        }
        if (synAck.ack() != pending.seq(slot) + 1) {
            ackMismatches++;
            return;
        }
        complete(slot, synAck.tuple(), synAck.hasTimestamps(), synAck.tsecr(), synAck.timestampNs());
    }

    @Override
    void claimEarlyAnswer(int slot, int answer, HandshakeEvent syn) {
        long answerNs = early.answerNs(answer);
        boolean answerHasTs = early.hasTs(answer);
        int tsecr = early.tsecr(answer);
        early.remove(answer);
        complete(slot, syn.tuple(), answerHasTs, tsecr, answerNs);
    }

    @Override
    void tupleReused(int slot) {
        if (!pending.failed(slot)) {
            evictedReplaced++;
        }
    }

    @Override
    void answersUnclaimed(long count) {
        unmatchedSynAcks += count;
    }

    /** The handshake in {@code slot}, of {@code tuple}, got its SYN-ACK at {@code tsNs}: its one outcome. */
    private void complete(int slot, Tuple tuple, boolean hasTs, int tsecr, long tsNs) {
        if (pending.failed(slot)) {
            // Already counted as a timeout; a handshake has one outcome.
            lateSynAcks++;
            pending.remove(slot);
            return;
        }
        long rtt = rttOf(slot, hasTs, tsecr, tsNs);
        long connect = Math.max(0, tsNs - pending.firstSynNs(slot));
        pending.remove(slot);
        matched++;
        if (rtt < 0) {
            ambiguousRtt++;
        }
        listener.onHandshake(Direction.OUTBOUND, tuple, rtt, connect);
    }

    /** The RTT of the SYN this SYN-ACK answers, or -1 when that can not be known. */
    private long rttOf(int slot, boolean hasTs, int tsecr, long tsNs) {
        if (pending.synCount(slot) == 1) {
            return Math.max(0, tsNs - pending.lastSynNs(slot));
        }
        if (hasTs && pending.lastHasTs(slot)) {
            // Two SYNs sent within one timestamp tick carry the same TSval: still ambiguous.
            boolean sameTick = pending.prevHasTs(slot) && pending.prevTsval(slot) == pending.lastTsval(slot);
            if (tsecr == pending.lastTsval(slot) && !sameTick) {
                return Math.max(0, tsNs - pending.lastSynNs(slot));
            }
            if (pending.prevHasTs(slot) && tsecr == pending.prevTsval(slot) && !sameTick) {
                return Math.max(0, tsNs - pending.prevSynNs(slot));
            }
        }
        return -1;
    }

    public long ackMismatches() {
        return ackMismatches;
    }

    public long unmatchedSynAcks() {
        return unmatchedSynAcks;
    }

    public long lateSynAcks() {
        return lateSynAcks;
    }

    public long evictedReplaced() {
        return evictedReplaced;
    }
}
