package dev.tcplat.exporter.match;

import dev.tcplat.exporter.match.HandshakeListener.Failure;

/**
 * What both directions' matchers share: a handshake opens with a SYN, may be refused with a RST,
 * and fails once when its answer does not come in time. The subclasses add how a handshake is
 * answered and completed, and fill in the hooks where the directions differ.
 *
 * <p>A SYN opens a pending entry keyed on the tuple as seen from this host. A copy of it with the
 * same sequence number is a retransmission; one with a new sequence number is a new connection
 * reusing the tuple. Each handshake has exactly one outcome. One unanswered after the timeout is
 * counted as failed once and then lingers, marked, until {@link #LATE_ANSWER_WINDOW_NS} after its
 * first SYN, so that a late answer or another retransmission of the same SYN is recognised rather
 * than counted as a success or a second handshake.
 *
 * <p>Pure Java, driven by one thread (the drainer), allocation-free per event. Counters are
 * written by the drain thread only and read by scrapes; volatile makes each read see a recent
 * value.
 */
public abstract class HandshakeMatcher {
    /**
     * Linux gives up on a SYN after tcp_syn_retries (6) retransmissions with a doubling timeout
     * starting at 1 s: 1+2+4+8+16+32+64 = 127 s after the first SYN. Past that, no answer can
     * belong to the same attempt.
     */
    public static final long LATE_ANSWER_WINDOW_NS = 130_000_000_000L;
    /** Answers kept for a SYN that may still come; see {@link EarlyAnswers}. */
    static final int EARLY_ANSWER_CAPACITY = 4096;

    final PendingTable pending;
    final EarlyAnswers early = new EarlyAnswers(EARLY_ANSWER_CAPACITY);
    final HandshakeListener listener;
    private final Direction direction;
    private final long timeoutNanos;
    private final EvictionPolicy eviction;
    private final PendingTable.Sweeper expiry = this::expireOne;
    /** The tuple of an entry read back from the table, for outcomes no packet carries (timeouts). */
    private final Tuple entryTuple = new Tuple();
    private long sweepNow;

    volatile long matched;
    volatile long ambiguousRtt;
    private volatile long evictedTableFull;

    HandshakeMatcher(Direction direction, int capacity, long timeoutNanos, HandshakeListener listener) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNanos + " ns");
        }
        this.direction = direction;
        this.pending = new PendingTable(capacity);
        this.timeoutNanos = timeoutNanos;
        this.listener = listener;
        this.eviction = new EvictionPolicy(pending, this::evicting);
    }

    /** The SYN that opens a handshake: egress for outbound, ingress for inbound. */
    public final void onSyn(HandshakeEvent syn) {
        int slot = pending.find(syn.tuple());
        if (slot < 0) {
            slot = eviction.admit(syn);
            int answer = early.find(syn);
            if (answer >= 0) {
                claimEarlyAnswer(slot, answer, syn);
            }
        } else if (pending.seq(slot) == syn.seq()) {
            pending.retransmitted(slot, syn);
            listener.onSynRetransmit(direction, syn.tuple());
        } else {
            // Same tuple, new initial sequence number: the old attempt is over (port reuse).
            tupleReused(slot);
            pending.reset(slot, syn);
        }
    }

    /** A RST answering the SYN: the connection was refused. */
    public final void onReset(HandshakeEvent rst) {
        int slot = pending.find(rst.tuple());
        // RFC 9293 §3.10.7.3: in SYN-SENT a RST is acceptable only if it acknowledges the SYN.
        if (slot < 0 || !rst.ackFlag() || rst.ack() != pending.seq(slot) + 1) {
            return;
        }
        boolean alreadyCounted = pending.failed(slot);
        givingUp(slot);
        pending.remove(slot);
        if (!alreadyCounted) {
            listener.onFailure(direction, rst.tuple(), Failure.RESET);
        }
    }

    /**
     * Counts handshakes unanswered for longer than the timeout as failed (once), and forgets
     * those past the late-answer window; {@code nowNs} is the kernel's clock.
     */
    public final void expire(long nowNs) {
        sweepNow = nowNs;
        pending.sweep(expiry);
        answersUnclaimed(early.expire(nowNs));
    }

    private boolean expireOne(PendingTable table, int slot) {
        long age = sweepNow - table.firstSynNs(slot);
        if (age > timeoutNanos && !table.failed(slot)) {
            table.markFailed(slot);
            givingUp(slot);
            listener.onFailure(direction, entryTuple(slot), Failure.TIMEOUT);
        }
        return age > Math.max(LATE_ANSWER_WINDOW_NS, timeoutNanos);
    }

    private void evicting(int slot) {
        evictedTableFull++;
        givingUp(slot);
    }

    /** The tuple of entry {@code slot}, valid until the next call. */
    final Tuple entryTuple(int slot) {
        return pending.tuple(slot, entryTuple);
    }

    /** A SYN just opened {@code slot}, and an answer to it came first: pair them and remove the answer. */
    abstract void claimEarlyAnswer(int slot, int answer, HandshakeEvent syn);

    /** The handshake in {@code slot} is being replaced by a new connection on the same tuple. */
    abstract void tupleReused(int slot);

    /** The handshake in {@code slot} failed or is evicted, and is about to be forgotten or marked. */
    void givingUp(int slot) {
    }

    /** {@code count} kept answers expired without their SYN. */
    void answersUnclaimed(long count) {
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

    public long evictedTableFull() {
        return evictedTableFull;
    }
}
