package dev.tcplat.exporter.match;

/**
 * Answers (SYN-ACKs) that reached a matcher before the SYN they answer, kept for a short while so
 * the SYN can still be paired with them when it turns up.
 *
 * <p>The kernel program reserves a handshake packet's ring record before handing the packet on,
 * so on one host the SYN's record precedes any answer it causes. But two CPUs can race where the
 * SYN is not the cause — a SYN retransmitted on one CPU while the answer to its first copy arrives
 * on another, or a forwarding host seeing both directions — and an exporter started mid-handshake
 * sees answers without SYNs. Waiting {@link #WINDOW_NS} for the SYN costs nothing when none comes:
 * the answer then counts as unmatched, just later.
 *
 * <p>Keyed on the tuple as seen from this host; each record holds the answer's ack and sequence
 * number, its kernel time and its TSecr.
 */
final class EarlyAnswers {
    /** Far beyond any reordering between the CPUs' ring records, which is microseconds. */
    static final long WINDOW_NS = 1_000_000_000L;

    // The record's words, after the key's, and its bit of the key's HEAD word.
    /** the answer's ack (high half) and its own sequence number (low half) */
    private static final int ACK_AND_SEQ = TupleIndex.KEY_WORDS;
    private static final int ANSWER_NS = ACK_AND_SEQ + 1;
    private static final int TSECR = ACK_AND_SEQ + 2;
    private static final int STRIDE = ACK_AND_SEQ + 3;
    private static final long HAS_TS = 1;

    private final TupleIndex index;
    private final long[] words;
    private final TupleIndex.Sweeper expiry = this::expireOne;
    private long sweepNow;

    EarlyAnswers(int capacity) {
        this.index = new TupleIndex(capacity, STRIDE - TupleIndex.KEY_WORDS);
        this.words = index.words();
    }

    /** Keeps {@code answer} for its tuple; false when there is no room, or one is already kept. */
    boolean park(HandshakeEvent answer) {
        if (index.find(answer.tuple()) >= 0) {
            return false;
        }
        int slot = index.insert(answer.tuple());
        if (slot < 0) {
            return false;
        }
        int b = slot * STRIDE;
        if (answer.hasTimestamps()) {
            words[b + TupleIndex.HEAD] |= HAS_TS;
        }
        words[b + ACK_AND_SEQ] = ((long) answer.ack() << 32) | (answer.seq() & 0xffff_ffffL);
        words[b + ANSWER_NS] = answer.timestampNs();
        words[b + TSECR] = answer.tsecr() & 0xffff_ffffL;
        return true;
    }

    /**
     * The slot of a kept answer for the tuple of {@code syn} that acknowledges it and came after
     * it, or -1. The caller reads it and then {@link #remove}s it.
     */
    int find(HandshakeEvent syn) {
        if (index.size() == 0) {
            return -1;
        }
        int slot = index.find(syn.tuple());
        if (slot < 0 || ack(slot) != syn.seq() + 1 || answerNs(slot) - syn.timestampNs() < 0) {
            return -1;
        }
        return slot;
    }

    private int ack(int slot) {
        return (int) (words[slot * STRIDE + ACK_AND_SEQ] >>> 32);
    }

    int answerSeq(int slot) {
        return (int) words[slot * STRIDE + ACK_AND_SEQ];
    }

    long answerNs(int slot) {
        return words[slot * STRIDE + ANSWER_NS];
    }

    boolean hasTs(int slot) {
        return (words[slot * STRIDE + TupleIndex.HEAD] & HAS_TS) != 0;
    }

    int tsecr(int slot) {
        return (int) words[slot * STRIDE + TSECR];
    }

    void remove(int slot) {
        index.remove(slot);
    }

    /** Drops answers kept longer than the window; returns how many, which no SYN claimed. */
    long expire(long nowNs) {
        if (index.size() == 0) {
            return 0;
        }
        sweepNow = nowNs;
        return index.sweep(expiry);
    }

    private boolean expireOne(int slot) {
        return sweepNow - answerNs(slot) > WINDOW_NS;
    }

    int size() {
        return index.size();
    }
}
