package dev.tcplat.exporter.match;

/**
 * Handshakes waiting for an answer: one record per tuple, stored beside its key in a
 * {@link TupleIndex}. This class owns the record's layout and its life (a SYN opens it,
 * retransmissions and answers update it, a failure marks it); {@link EvictionPolicy} decides
 * what goes when it is full.
 *
 * <p>A slot number is an entry's position, valid only until the next removal.
 *
 * <p>Not thread-safe: owned by the drain thread. {@link #size()} may be read from any thread.
 */
public final class PendingTable {
    /** The largest capacity a table can have. */
    public static final int MAX_CAPACITY = TupleIndex.MAX_CAPACITY;

    // The record's words, after the key's.
    /** the SYN's sequence number (high half) and the answer's (low half) */
    private static final int SEQS = TupleIndex.KEY_WORDS;
    private static final int FIRST_SYN_NS = SEQS + 1;
    private static final int LAST_SYN_NS = SEQS + 2;
    private static final int PREV_SYN_NS = SEQS + 3;
    /** the latest SYN's TSval (high half) and the previous one's (low half) */
    private static final int TSVALS = SEQS + 4;
    private static final int ANSWER_NS = SEQS + 5;
    private static final int STRIDE = SEQS + 6;

    // The record's bits of the key's HEAD word: state 27..24, answer count 23..16, SYN count
    // 15..0. The counts saturate: the matchers only ask whether they are 0, 1 or more.
    private static final int HEAD = TupleIndex.HEAD;
    private static final int STATE_SHIFT = 24;
    private static final int ANSWERS_SHIFT = 16;
    private static final int MAX_ANSWERS = 0xff;
    private static final int MAX_SYNS = 0xffff;

    static final int LAST_HAS_TS = 1;
    static final int PREV_HAS_TS = 2;
    static final int FAILED = 4;

    private final TupleIndex index;
    private final long[] words;
    private final TupleIndex.Sweeper sweepVisit = this::sweepVisit;
    private Sweeper sweeper;
    private int failedCount;

    public PendingTable(int capacity) {
        this.index = new TupleIndex(capacity, STRIDE - TupleIndex.KEY_WORDS);
        this.words = index.words();
    }

    public int capacity() {
        return index.capacity();
    }

    public int size() {
        return index.size();
    }

    /** The slot holding this tuple, or -1. */
    public int find(Tuple tuple) {
        return index.find(tuple);
    }

    /**
     * Opens an entry for the SYN's tuple, known to be absent. Returns its slot, or -1 when the
     * table already holds {@link #capacity()} entries.
     */
    public int insert(HandshakeEvent syn) {
        int slot = index.insert(syn.tuple());
        if (slot >= 0) {
            reset(slot, syn);
        }
        return slot;
    }

    /** Restarts the entry in {@code slot} for a new connection on the same tuple, opened by {@code syn}. */
    public void reset(int slot, HandshakeEvent syn) {
        if (failed(slot)) {
            failedCount--;
        }
        int b = slot * STRIDE;
        int tsval = syn.tsval();
        words[b + HEAD] = (words[b + HEAD] & ~TupleIndex.HEAD_RECORD_BITS)
                | ((long) (syn.hasTimestamps() ? LAST_HAS_TS : 0) << STATE_SHIFT) | 1;
        words[b + SEQS] = (long) syn.seq() << 32;
        words[b + FIRST_SYN_NS] = syn.timestampNs();
        words[b + LAST_SYN_NS] = syn.timestampNs();
        words[b + PREV_SYN_NS] = syn.timestampNs();
        words[b + TSVALS] = ((long) tsval << 32) | (tsval & 0xffff_ffffL);
        words[b + ANSWER_NS] = 0;
    }

    /**
     * Records {@code syn}, a retransmission of the SYN held in {@code slot}, remembering the
     * previous copy too: an answer may still be on its way to it.
     */
    public void retransmitted(int slot, HandshakeEvent syn) {
        int b = slot * STRIDE;
        words[b + PREV_SYN_NS] = words[b + LAST_SYN_NS];
        words[b + LAST_SYN_NS] = syn.timestampNs();
        words[b + TSVALS] = ((long) syn.tsval() << 32) | (words[b + TSVALS] >>> 32);
        long head = words[b + HEAD];
        int state = state(head);
        int flags = state & FAILED;
        if ((state & LAST_HAS_TS) != 0) {
            flags |= PREV_HAS_TS;
        }
        if (syn.hasTimestamps()) {
            flags |= LAST_HAS_TS;
        }
        head = withState(head, flags);
        if ((head & MAX_SYNS) < MAX_SYNS) {
            head++;
        }
        words[b + HEAD] = head;
    }

    /** Records the SYN-ACK this host sent for the entry (inbound handshakes). */
    public void answered(int slot, int synAckSeq, long synAckNs) {
        int b = slot * STRIDE;
        words[b + SEQS] = (words[b + SEQS] & 0xffff_ffff_0000_0000L) | (synAckSeq & 0xffff_ffffL);
        words[b + ANSWER_NS] = synAckNs;
        long head = words[b + HEAD];
        if (((head >>> ANSWERS_SHIFT) & MAX_ANSWERS) < MAX_ANSWERS) {
            words[b + HEAD] = head + (1L << ANSWERS_SHIFT);
        }
    }

    /** Marks the entry as already counted as failed; it lingers only to absorb late packets. */
    public void markFailed(int slot) {
        if (!failed(slot)) {
            int b = slot * STRIDE;
            words[b + HEAD] = withState(words[b + HEAD], state(words[b + HEAD]) | FAILED);
            failedCount++;
        }
    }

    public boolean failed(int slot) {
        return (state(words[slot * STRIDE + HEAD]) & FAILED) != 0;
    }

    public int failedCount() {
        return failedCount;
    }

    /** Writes the entry's tuple into {@code out} and returns it. */
    public Tuple tuple(int slot, Tuple out) {
        return index.tuple(slot, out);
    }

    public int family(int slot) {
        return index.family(slot);
    }

    public int seq(int slot) {
        return (int) (words[slot * STRIDE + SEQS] >>> 32);
    }

    public long firstSynNs(int slot) {
        return words[slot * STRIDE + FIRST_SYN_NS];
    }

    public long lastSynNs(int slot) {
        return words[slot * STRIDE + LAST_SYN_NS];
    }

    public long prevSynNs(int slot) {
        return words[slot * STRIDE + PREV_SYN_NS];
    }

    /** How many copies of the SYN were seen; saturates at 65 535. */
    public int synCount(int slot) {
        return (int) words[slot * STRIDE + HEAD] & MAX_SYNS;
    }

    public boolean lastHasTs(int slot) {
        return (state(words[slot * STRIDE + HEAD]) & LAST_HAS_TS) != 0;
    }

    public boolean prevHasTs(int slot) {
        return (state(words[slot * STRIDE + HEAD]) & PREV_HAS_TS) != 0;
    }

    public int lastTsval(int slot) {
        return (int) (words[slot * STRIDE + TSVALS] >>> 32);
    }

    public int prevTsval(int slot) {
        return (int) words[slot * STRIDE + TSVALS];
    }

    /** How many SYN-ACKs were sent for the entry; saturates at 255. */
    public int answerCount(int slot) {
        return (int) (words[slot * STRIDE + HEAD] >>> ANSWERS_SHIFT) & MAX_ANSWERS;
    }

    public int answerSeq(int slot) {
        return (int) words[slot * STRIDE + SEQS];
    }

    public long answerNs(int slot) {
        return words[slot * STRIDE + ANSWER_NS];
    }

    /** Removes the entry in {@code slot}; the last entry moves into it. */
    public void remove(int slot) {
        if (failed(slot)) {
            failedCount--;
        }
        index.remove(slot);
    }

    /** Decides, per entry, what a sweep does with it. */
    public interface Sweeper {
        /** Return true to remove the entry in {@code slot}. */
        boolean visit(PendingTable table, int slot);
    }

    /** Offers every entry to {@code sweeper} once and removes those it returns true for; returns how many went. */
    public int sweep(Sweeper sweeper) {
        this.sweeper = sweeper;
        try {
            return index.sweep(sweepVisit);
        } finally {
            this.sweeper = null;
        }
    }

    private boolean sweepVisit(int slot) {
        if (sweeper.visit(this, slot)) {
            if (failed(slot)) {
                failedCount--;
            }
            return true;
        }
        return false;
    }

    /** Shows {@code visitor} up to {@code samples} entries near the home slot of {@code tuple}; see {@link TupleIndex#visitNear}. */
    void visitNear(Tuple tuple, int samples, TupleIndex.SlotVisitor visitor) {
        index.visitNear(tuple, samples, visitor);
    }

    private static int state(long head) {
        return (int) (head >>> STATE_SHIFT) & 0xf;
    }

    private static long withState(long head, int state) {
        return (head & ~(0xfL << STATE_SHIFT)) | ((long) state << STATE_SHIFT);
    }
}
