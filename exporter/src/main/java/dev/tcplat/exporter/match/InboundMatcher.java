package dev.tcplat.exporter.match;

import dev.tcplat.exporter.match.HandshakeListener.Failure;

/**
 * Pairs the handshake packets of connections clients open to this host. Pure Java, driven by one
 * thread (the drainer), allocation-free per event.
 *
 * <p>Three packets, two measurements: the client's SYN in → this host's SYN-ACK out is this
 * host's own turnaround (its stack, accept queue, SYN cookies), reported apart because it is not
 * network latency; the SYN-ACK out → the client's ACK in is the network round trip to the client.
 * Each step is accepted only if it acknowledges the previous one exactly (ack == seq + 1), so a
 * reused tuple never pairs packets of two connections.
 *
 * <p>A retransmitted SYN-ACK makes the ACK ambiguous; without a way to tell which copy it answers
 * the RTT is not sampled (Karn's rule). Failures (no ACK within the timeout, or a RST refusing
 * the SYN) are counted once; then the kernel is told to stop waiting for that ACK.
 */
public final class InboundMatcher {
    private final PendingTable pending;
    private final EarlyAnswers early = new EarlyAnswers(OutboundMatcher.EARLY_ANSWER_CAPACITY);
    private final long timeoutNanos;
    private final HandshakeListener listener;
    private final SynAckForgetter forgetter;
    private final PendingTable.Sweeper expiry = this::expireOne;
    private final PendingTable.EvictionListener eviction = this::evicting;
    private long sweepNow;

    private volatile long matched;
    private volatile long ambiguousRtt;
    private volatile long evictedTableFull;
    private volatile long ackUntracked;
    private volatile long unmatchedAcks;

    public InboundMatcher(int capacity, long timeoutNanos, HandshakeListener listener, SynAckForgetter forgetter) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNanos + " ns");
        }
        this.pending = new PendingTable(capacity);
        this.timeoutNanos = timeoutNanos;
        this.listener = listener;
        this.forgetter = forgetter;
    }

    /** An ingress SYN: a client at (remote) opens a connection to (local). */
    public void onIngressSyn(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int seq, boolean hasTs, int tsval, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            slot = pending.insertEvictingOldest(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort,
                    seq, tsNs, hasTs, tsval, OutboundMatcher.EVICTION_SAMPLES, eviction);
            int answer = early.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, seq, tsNs);
            if (answer >= 0) {
                int answerSeq = early.answerSeq(answer);
                long answerNs = early.answerNs(answer);
                early.remove(answer);
                answer(slot, answerSeq, true, answerNs);
            }
        } else if (pending.seq(slot) == seq) {
            pending.retransmitted(slot, tsNs, hasTs, tsval);
            listener.onSynRetransmit(Direction.INBOUND, family, remoteHi, remoteLo, localPort);
        } else {
            forgetKernelEntry(slot);
            pending.reset(slot, seq, tsNs, hasTs, tsval);
        }
    }

    /**
     * An egress SYN-ACK: this host answers the client's SYN. {@code ackTracked} is false when the
     * kernel had no room to wait for the client's ACK, which then goes unreported.
     */
    public void onEgressSynAck(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int seq, int ack, boolean ackTracked, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0) {
            if (ackTracked) {
                early.park(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, ack, seq, false, 0, tsNs);
            }
            return;
        }
        if (ack != pending.seq(slot) + 1 || pending.failed(slot)) {
            return;
        }
        answer(slot, seq, ackTracked, tsNs);
    }

    private void answer(int slot, int synAckSeq, boolean ackTracked, long tsNs) {
        int family = pending.family(slot);
        long remoteHi = pending.remoteHi(slot);
        long remoteLo = pending.remoteLo(slot);
        int serverPort = pending.localPort(slot);
        if (pending.answerCount(slot) == 0) {
            listener.onSynToSynAck(family, remoteHi, remoteLo, serverPort, Math.max(0, tsNs - pending.lastSynNs(slot)));
        } else {
            listener.onSynAckRetransmit(Direction.INBOUND, family, remoteHi, remoteLo, serverPort);
        }
        if (!ackTracked) {
            // Its completion can not be seen: no outcome rather than a false timeout.
            ackUntracked++;
            pending.remove(slot);
            return;
        }
        pending.answered(slot, synAckSeq, tsNs);
    }

    /** An ingress ACK the kernel recognised as completing a handshake this host answered. */
    public void onIngressAck(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int ack, long tsNs) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0 || pending.answerCount(slot) == 0 || ack != pending.answerSeq(slot) + 1) {
            unmatchedAcks++;
            return;
        }
        if (pending.failed(slot)) {
            pending.remove(slot);
            return;
        }
        long rtt = pending.answerCount(slot) == 1 ? Math.max(0, tsNs - pending.answerNs(slot)) : -1;
        long connect = Math.max(0, tsNs - pending.firstSynNs(slot));
        pending.remove(slot);
        matched++;
        if (rtt < 0) {
            ambiguousRtt++;
        }
        listener.onHandshake(Direction.INBOUND, family, remoteHi, remoteLo, localPort, rtt, connect);
    }

    /** An egress RST refusing a client's SYN (nothing listens on the port, or the queue is full). */
    public void onEgressReset(int family, long localHi, long localLo, int localPort,
            long remoteHi, long remoteLo, int remotePort, int ack, boolean ackFlag) {
        int slot = pending.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0 || !ackFlag || ack != pending.seq(slot) + 1) {
            return;
        }
        boolean alreadyCounted = pending.failed(slot);
        forgetKernelEntry(slot);
        pending.remove(slot);
        if (!alreadyCounted) {
            listener.onFailure(Direction.INBOUND, family, remoteHi, remoteLo, localPort, Failure.RESET);
        }
    }

    /** Same policy as outbound: fail once at the timeout, forget after the late-answer window. */
    public void expire(long nowNs) {
        sweepNow = nowNs;
        pending.sweep(expiry);
        early.expire(nowNs);
    }

    private boolean expireOne(PendingTable table, int slot) {
        long age = sweepNow - table.firstSynNs(slot);
        boolean overdue = age > timeoutNanos && !table.failed(slot);
        if (overdue) {
            table.markFailed(slot);
            forgetKernelEntry(slot);
            listener.onFailure(Direction.INBOUND, table.family(slot), table.remoteHi(slot), table.remoteLo(slot),
                    table.localPort(slot), Failure.TIMEOUT);
        }
        return age > Math.max(OutboundMatcher.LATE_ANSWER_WINDOW_NS, timeoutNanos);
    }

    private void evicting(PendingTable table, int slot) {
        evictedTableFull++;
        forgetKernelEntry(slot);
    }

    private void forgetKernelEntry(int slot) {
        if (pending.answerCount(slot) > 0) {
            forgetter.forget(pending.family(slot), pending.localHi(slot), pending.localLo(slot),
                    pending.localPort(slot), pending.remoteHi(slot), pending.remoteLo(slot), pending.remotePort(slot));
        }
    }

    /** Inbound handshakes waiting (not counting failed ones that linger). */
    public int pendingCount() {
        return pending.size() - pending.failedCount();
    }

    public long matched() {
        return matched;
    }

    public long ambiguousRtt() {
        return ambiguousRtt;
    }

    public long evictedTableFull() {
        return evictedTableFull;
    }

    /** SYN-ACKs whose ACK the kernel could not wait for (its table was full): no outcome known. */
    public long ackUntracked() {
        return ackUntracked;
    }

    public long unmatchedAcks() {
        return unmatchedAcks;
    }
}
