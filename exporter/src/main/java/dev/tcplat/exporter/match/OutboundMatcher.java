package dev.tcplat.exporter.match;

import dev.tcplat.exporter.match.HandshakeListener.Failure;

/**
 * Pairs the handshake packets of connections this host opens into latency samples and outcomes.
 * Pure Java, driven by one thread (the drainer), allocation-free per event.
 *
 * <p>An egress SYN (this host → peer) opens a pending entry keyed on the
 * tuple as seen from this host; the ingress SYN-ACK of the reversed tuple closes it — but only if
 * it acknowledges exactly that SYN ({@code ack == seq + 1} modulo 2^32, RFC 9293 §3.4), so a stray
 * or stale SYN-ACK on a reused tuple is never paired with the wrong connection.
 *
 * <p>Retransmitted SYNs: the RTT must not include the retransmission timeout. When the SYN-ACK
 * carries the timestamp option, its TSecr echoes the TSval of the SYN it answers (RFC 7323 §3.2),
 * which names the SYN to measure from. Without timestamps, a handshake whose SYN was sent more
 * than once gives no RTT sample (Karn's rule); its connect duration is still recorded.
 *
 * <p>Each handshake has exactly one outcome. A handshake unanswered after the timeout is counted
 * as failed once and then lingers, marked, for {@link #LATE_ANSWER_WINDOW_NS} so that a late
 * SYN-ACK or another retransmission of the same SYN is recognised rather than counted as a
 * success or a second handshake.
 *
 * <p>Counters are written by the drain thread only and read by scrapes; volatile makes each read
 * see a recent value.
 */
public final class OutboundMatcher {
    /**
     * Linux gives up on a SYN after tcp_syn_retries (6) retransmissions with a doubling timeout
     * starting at 1 s: 1+2+4+8+16+32+64 = 127 s after the first SYN. Past that, no answer can
     * belong to the same attempt.
     */
    public static final long LATE_ANSWER_WINDOW_NS = 130_000_000_000L;
    /** Entries sampled for the oldest when the table is full; see {@link PendingTable#oldestNear}. */
    static final int EVICTION_SAMPLES = 8;
    /** SYN-ACKs kept for a SYN that may still come; see {@link EarlyAnswers}. */
    static final int EARLY_ANSWER_CAPACITY = 4096;

    private final PendingTable pending;
    private final EarlyAnswers early = new EarlyAnswers(EARLY_ANSWER_CAPACITY);
    private final long timeoutNanos;
    private final HandshakeListener listener;
    private final PendingTable.Sweeper expiry = this::expireOne;
    private final PendingTable.EvictionListener eviction = this::evicting;
    private long sweepNow;

    private volatile long matched;
    private volatile long ambiguousRtt;
    private volatile long ackMismatches;
    private volatile long unmatchedSynAcks;
    private volatile long lateSynAcks;
    private volatile long evictedTableFull;
    private volatile long evictedReplaced;

    public OutboundMatcher(int capacity, long timeoutNanos, HandshakeListener listener) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNanos + " ns");
        }
        this.pending = new PendingTable(capacity);
        this.timeoutNanos = timeoutNanos;
        this.listener = listener;
    }

    /** An egress SYN: this host opens a connection from (local) to (remote). */
    public void onEgressSyn(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int seq, boolean hasTs, int tsval, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            slot = pending.insertEvictingOldest(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort,
                    seq, tsNs, hasTs, tsval, EVICTION_SAMPLES, eviction);
            int answer = early.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, seq, tsNs);
            if (answer >= 0) {
                long answerNs = early.answerNs(answer);
                boolean answerHasTs = early.hasTs(answer);
                int tsecr = early.tsecr(answer);
                early.remove(answer);
                complete(slot, answerHasTs, tsecr, answerNs);
            }
        } else if (pending.seq(slot) == seq) {
            pending.retransmitted(slot, tsNs, hasTs, tsval);
            listener.onSynRetransmit(Direction.OUTBOUND, family, remoteHi, remoteLo, remotePort);
        } else {
            // Same tuple, new initial sequence number: the old attempt is over (port reuse).
            if (!pending.failed(slot)) {
                evictedReplaced++;
            }
            pending.reset(slot, seq, tsNs, hasTs, tsval);
        }
    }

    /** An ingress SYN-ACK from (remote) to (local), answering a SYN this host sent. */
    public void onIngressSynAck(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int ack, boolean hasTs, int tsecr, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            if (!early.park(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, ack, 0, hasTs, tsecr,
                    tsNs)) {
                unmatchedSynAcks++;
            }
            return;
        }
        if (ack != pending.seq(slot) + 1) {
            ackMismatches++;
            return;
        }
        complete(slot, hasTs, tsecr, tsNs);
    }

    private void evicting(PendingTable table, int slot) {
        evictedTableFull++;
    }

    /** The handshake in {@code slot} got its SYN-ACK at {@code tsNs}: its one outcome. */
    private void complete(int slot, boolean hasTs, int tsecr, long tsNs) {
        if (pending.failed(slot)) {
            // Already counted as a timeout; a handshake has one outcome.
            lateSynAcks++;
            pending.remove(slot);
            return;
        }
        long rtt = rttOf(slot, hasTs, tsecr, tsNs);
        long connect = Math.max(0, tsNs - pending.firstSynNs(slot));
        int family = pending.family(slot);
        long remoteHi = pending.remoteHi(slot);
        long remoteLo = pending.remoteLo(slot);
        int remotePort = pending.remotePort(slot);
        pending.remove(slot);
        matched++;
        if (rtt < 0) {
            ambiguousRtt++;
        }
        listener.onHandshake(Direction.OUTBOUND, family, remoteHi, remoteLo, remotePort, rtt, connect);
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

    /** An ingress RST answering a SYN this host sent: the peer refused the connection. */
    public void onIngressReset(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int ack, boolean ackFlag) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        // RFC 9293 §3.10.7.3: in SYN-SENT a RST is acceptable only if it acknowledges the SYN.
        if (slot < 0 || !ackFlag || ack != pending.seq(slot) + 1) {
            return;
        }
        boolean alreadyCounted = pending.failed(slot);
        pending.remove(slot);
        if (!alreadyCounted) {
            listener.onFailure(Direction.OUTBOUND, family, remoteHi, remoteLo, remotePort, Failure.RESET);
        }
    }

    /**
     * Counts handshakes unanswered for longer than the timeout as failed (once), and forgets
     * those past the late-answer window; {@code nowNs} is the kernel's clock.
     */
    public void expire(long nowNs) {
        sweepNow = nowNs;
        pending.sweep(expiry);
        unmatchedSynAcks += early.expire(nowNs);
    }

    private boolean expireOne(PendingTable table, int slot) {
        long age = sweepNow - table.firstSynNs(slot);
        if (age > Math.max(LATE_ANSWER_WINDOW_NS, timeoutNanos)) {
            if (!table.failed(slot)) {
                listener.onFailure(Direction.OUTBOUND, table.family(slot), table.remoteHi(slot), table.remoteLo(slot),
                        table.remotePort(slot), Failure.TIMEOUT);
            }
            return true;
        }
        if (age > timeoutNanos && !table.failed(slot)) {
            table.markFailed(slot);
            listener.onFailure(Direction.OUTBOUND, table.family(slot), table.remoteHi(slot), table.remoteLo(slot),
                    table.remotePort(slot), Failure.TIMEOUT);
        }
        return false;
    }

    /** Handshakes waiting for an answer (not counting failed ones that linger). */
    public int pendingCount() {
        return pending.size() - pending.failedCount();
    }

    public long matched() {
        return matched;
    }

    public long ambiguousRtt() {
        return ambiguousRtt;
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

    public long evictedTableFull() {
        return evictedTableFull;
    }

    public long evictedReplaced() {
        return evictedReplaced;
    }
}
