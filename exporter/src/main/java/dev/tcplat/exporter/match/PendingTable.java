package dev.tcplat.exporter.match;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Handshakes waiting for an answer, keyed on the full 4-tuple (family, local address and port,
 * remote address and port) — never on a hash alone, so two connections can not be confused.
 *
 * <p>Two primitive arrays and no object per entry, so a SYN flood costs no garbage:
 * <ul>
 *   <li>{@code entries}: every entry packed into {@value #STRIDE} consecutive longs, densely, in
 *       the first {@link #size()} positions. An entry's fields sit in one or two cache lines, where
 *       one array per field would touch a line per field.</li>
 *   <li>{@code index}: open addressing with linear probing over ints, twice as many slots as the
 *       capacity so probe chains stay short at the fullest. Each slot holds an entry's position
 *       and seven bits of its hash, so a probe that meets another tuple's slot rarely has to read
 *       that entry to tell. Deletion shifts the rest of the probe chain back (Knuth's algorithm R)
 *       instead of leaving tombstones that would slow lookups down over a long-running process.</li>
 * </ul>
 * A removal moves the last entry into the hole, so a slot number (an entry's position) is only
 * valid until the next removal.
 *
 * <p>The hash is seeded per table at random: the tuple is chosen by whoever sends the SYN, and a
 * fixed hash would let a sender pick tuples that all land in one probe chain.
 *
 * <p>Not thread-safe: owned by the drain thread. {@link #size()} may be read from any thread.
 */
public final class PendingTable {
    /** Bounds the position stored in an index slot to {@link #POSITION_BITS} bits. */
    public static final int MAX_CAPACITY = 1 << 24;

    // The words of an entry. HEAD packs the key's ports and family with the small counters.
    private static final int HEAD = 0;
    private static final int LOCAL_HI = 1;
    private static final int LOCAL_LO = 2;
    private static final int REMOTE_HI = 3;
    private static final int REMOTE_LO = 4;
    /** the SYN's sequence number (high half) and the answer's (low half) */
    private static final int SEQS = 5;
    private static final int FIRST_SYN_NS = 6;
    private static final int LAST_SYN_NS = 7;
    private static final int PREV_SYN_NS = 8;
    /** the latest SYN's TSval (high half) and the previous one's (low half) */
    private static final int TSVALS = 9;
    private static final int ANSWER_NS = 10;
    private static final int STRIDE = 11;

    // HEAD: local port 63..48, remote port 47..32, family 31..28 (these four are the key's part),
    // state 27..24, answer count 23..16, SYN count 15..0. The counts saturate: the matchers only
    // ask whether they are 0, 1 or more.
    private static final long HEAD_KEY_BITS = 0xffff_ffff_f000_0000L;
    private static final int FAMILY_SHIFT = 28;
    private static final int STATE_SHIFT = 24;
    private static final int ANSWERS_SHIFT = 16;
    private static final int MAX_ANSWERS = 0xff;
    private static final int MAX_SYNS = 0xffff;

    static final int LAST_HAS_TS = 1;
    static final int PREV_HAS_TS = 2;
    static final int FAILED = 4;

    // An index slot: 0 when empty, else the hash's top seven bits | (position + 1).
    private static final int POSITION_BITS = 25;
    private static final int POSITION_MASK = (1 << POSITION_BITS) - 1;

    private final int capacity;
    private final long[] entries;
    private final int[] index;
    private final int mask;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private volatile int size;
    private int failedCount;
    /** The index slot of the last entry {@link #find} returned: a find is usually followed by a remove. */
    private int lastFoundIndexSlot;

    public PendingTable(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be within 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.index = new int[slots];
        this.entries = new long[capacity * STRIDE];
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /** The slot holding this tuple, or -1. */
    public int find(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
        long key = headKey(fam, lPort, rPort);
        int hash = hash(key, lHi, lLo, rHi, rLo);
        int tag = hash & ~POSITION_MASK;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            int v = index[s];
            if (v == 0) {
                return -1;
            }
            if ((v & ~POSITION_MASK) == tag) {
                int slot = (v & POSITION_MASK) - 1;
                int b = slot * STRIDE;
                if ((entries[b + HEAD] & HEAD_KEY_BITS) == key && entries[b + LOCAL_LO] == lLo
                        && entries[b + REMOTE_LO] == rLo && entries[b + LOCAL_HI] == lHi
                        && entries[b + REMOTE_HI] == rHi) {
                    lastFoundIndexSlot = s;
                    return slot;
                }
            }
        }
    }

    /**
     * Stores a new entry for a tuple known to be absent. Returns its slot, or -1 when the table
     * already holds {@link #capacity()} entries.
     */
    public int insert(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort,
            int synSeq, long synNs, boolean hasTs, int tsval) {
        if (fam < 1 || fam > 15) {
            throw new IllegalArgumentException("family must be within 1..15, got " + fam);
        }
        if (size >= capacity) {
            return -1;
        }
        long key = headKey(fam, lPort, rPort);
        int hash = hash(key, lHi, lLo, rHi, rLo);
        int s = hash & mask;
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        int slot = size;
        index[s] = (hash & ~POSITION_MASK) | (slot + 1);
        int b = slot * STRIDE;
        entries[b + HEAD] = key;
        entries[b + LOCAL_HI] = lHi;
        entries[b + LOCAL_LO] = lLo;
        entries[b + REMOTE_HI] = rHi;
        entries[b + REMOTE_LO] = rLo;
        size = slot + 1;
        reset(slot, synSeq, synNs, hasTs, tsval);
        return slot;
    }

    /**
     * Like {@link #insert}, but when the table is full and holds handshakes already counted as
     * failed, drops those first: they only linger to absorb late answers and are worth less than
     * a live handshake. One pass drops them all, so a flood pays for the sweep rarely.
     */
    public int insertReclaimingFailed(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort,
            int synSeq, long synNs, boolean hasTs, int tsval) {
        int slot = insert(fam, lHi, lLo, lPort, rHi, rLo, rPort, synSeq, synNs, hasTs, tsval);
        if (slot < 0 && failedCount > 0) {
            sweep((table, s) -> table.failed(s));
            slot = insert(fam, lHi, lLo, lPort, rHi, rLo, rPort, synSeq, synNs, hasTs, tsval);
        }
        return slot;
    }

    /** Told about an entry just before it is evicted to make room. */
    public interface EvictionListener {
        void evicting(PendingTable table, int slot);
    }

    /**
     * Like {@link #insertReclaimingFailed}, but never refuses: when the table is still full, the
     * oldest of {@code samples} entries near the new tuple's home slot ({@link #oldestNear}) is
     * shown to {@code listener} and removed to make room.
     */
    public int insertEvictingOldest(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort,
            int synSeq, long synNs, boolean hasTs, int tsval, int samples, EvictionListener listener) {
        int slot = insertReclaimingFailed(fam, lHi, lLo, lPort, rHi, rLo, rPort, synSeq, synNs, hasTs, tsval);
        if (slot < 0) {
            int victim = oldestNear(fam, lHi, lLo, lPort, rHi, rLo, rPort, samples);
            listener.evicting(this, victim);
            remove(victim);
            slot = insert(fam, lHi, lLo, lPort, rHi, rLo, rPort, synSeq, synNs, hasTs, tsval);
        }
        return slot;
    }

    /**
     * The oldest (by first SYN) of up to {@code samples} entries found walking the index forward
     * from the tuple's home slot, or -1 when the table is empty. The home slot of a new tuple is
     * random, so this samples the table: the victim is old compared with most entries, which under
     * a flood of SYNs that are never answered lets a real handshake live long enough to get its
     * answer, where refusing new entries would measure nothing until the flood's entries time out.
     */
    int oldestNear(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort, int samples) {
        if (size == 0) {
            return -1;
        }
        int s = hash(headKey(fam, lPort, rPort), lHi, lLo, rHi, rLo) & mask;
        int oldest = -1;
        for (int seen = 0; seen < samples && seen < size; s = (s + 1) & mask) {
            int v = index[s];
            if (v != 0) {
                int slot = (v & POSITION_MASK) - 1;
                if (oldest < 0 || firstSynNs(slot) - firstSynNs(oldest) < 0) {
                    oldest = slot;
                }
                seen++;
            }
        }
        return oldest;
    }

    /** Restarts the entry in {@code slot} for a new connection on the same tuple. */
    public void reset(int slot, int synSeq, long synNs, boolean hasTs, int tsval) {
        if (failed(slot)) {
            failedCount--;
        }
        int b = slot * STRIDE;
        entries[b + HEAD] = (entries[b + HEAD] & HEAD_KEY_BITS)
                | ((long) (hasTs ? LAST_HAS_TS : 0) << STATE_SHIFT) | 1;
        entries[b + SEQS] = (long) synSeq << 32;
        entries[b + FIRST_SYN_NS] = synNs;
        entries[b + LAST_SYN_NS] = synNs;
        entries[b + PREV_SYN_NS] = synNs;
        entries[b + TSVALS] = ((long) tsval << 32) | (tsval & 0xffff_ffffL);
        entries[b + ANSWER_NS] = 0;
    }

    /** Records the SYN-ACK this host sent for the entry (inbound handshakes). */
    public void answered(int slot, int synAckSeq, long synAckNs) {
        int b = slot * STRIDE;
        entries[b + SEQS] = (entries[b + SEQS] & 0xffff_ffff_0000_0000L) | (synAckSeq & 0xffff_ffffL);
        entries[b + ANSWER_NS] = synAckNs;
        long head = entries[b + HEAD];
        if (((head >>> ANSWERS_SHIFT) & MAX_ANSWERS) < MAX_ANSWERS) {
            entries[b + HEAD] = head + (1L << ANSWERS_SHIFT);
        }
    }

    /** How many SYN-ACKs were sent for the entry; saturates at 255. */
    public int answerCount(int slot) {
        return (int) (entries[slot * STRIDE + HEAD] >>> ANSWERS_SHIFT) & MAX_ANSWERS;
    }

    public int answerSeq(int slot) {
        return (int) entries[slot * STRIDE + SEQS];
    }

    public long answerNs(int slot) {
        return entries[slot * STRIDE + ANSWER_NS];
    }

    public long localHi(int slot) {
        return entries[slot * STRIDE + LOCAL_HI];
    }

    public long localLo(int slot) {
        return entries[slot * STRIDE + LOCAL_LO];
    }

    public int localPort(int slot) {
        return (int) (entries[slot * STRIDE + HEAD] >>> 48);
    }

    /**
     * Records a retransmission of the SYN held in {@code slot}, remembering the previous copy too:
     * an answer may still be on its way to it.
     */
    public void retransmitted(int slot, long synNs, boolean hasTs, int tsval) {
        int b = slot * STRIDE;
        entries[b + PREV_SYN_NS] = entries[b + LAST_SYN_NS];
        entries[b + LAST_SYN_NS] = synNs;
        entries[b + TSVALS] = ((long) tsval << 32) | (entries[b + TSVALS] >>> 32);
        long head = entries[b + HEAD];
        int state = state(head);
        int flags = state & FAILED;
        if ((state & LAST_HAS_TS) != 0) {
            flags |= PREV_HAS_TS;
        }
        if (hasTs) {
            flags |= LAST_HAS_TS;
        }
        head = withState(head, flags);
        if ((head & MAX_SYNS) < MAX_SYNS) {
            head++;
        }
        entries[b + HEAD] = head;
    }

    /** Marks the entry as already counted as failed; it lingers only to absorb late packets. */
    public void markFailed(int slot) {
        if (!failed(slot)) {
            int b = slot * STRIDE;
            entries[b + HEAD] = withState(entries[b + HEAD], state(entries[b + HEAD]) | FAILED);
            failedCount++;
        }
    }

    public boolean failed(int slot) {
        return (state(entries[slot * STRIDE + HEAD]) & FAILED) != 0;
    }

    public int failedCount() {
        return failedCount;
    }

    public boolean lastHasTs(int slot) {
        return (state(entries[slot * STRIDE + HEAD]) & LAST_HAS_TS) != 0;
    }

    public boolean prevHasTs(int slot) {
        return (state(entries[slot * STRIDE + HEAD]) & PREV_HAS_TS) != 0;
    }

    public int lastTsval(int slot) {
        return (int) (entries[slot * STRIDE + TSVALS] >>> 32);
    }

    public int prevTsval(int slot) {
        return (int) entries[slot * STRIDE + TSVALS];
    }

    public long prevSynNs(int slot) {
        return entries[slot * STRIDE + PREV_SYN_NS];
    }

    public int family(int slot) {
        return (int) (entries[slot * STRIDE + HEAD] >>> FAMILY_SHIFT) & 0xf;
    }

    public long remoteHi(int slot) {
        return entries[slot * STRIDE + REMOTE_HI];
    }

    public long remoteLo(int slot) {
        return entries[slot * STRIDE + REMOTE_LO];
    }

    public int remotePort(int slot) {
        return (int) (entries[slot * STRIDE + HEAD] >>> 32) & 0xffff;
    }

    public int seq(int slot) {
        return (int) (entries[slot * STRIDE + SEQS] >>> 32);
    }

    public long firstSynNs(int slot) {
        return entries[slot * STRIDE + FIRST_SYN_NS];
    }

    public long lastSynNs(int slot) {
        return entries[slot * STRIDE + LAST_SYN_NS];
    }

    /** How many copies of the SYN were seen; saturates at 65 535. */
    public int synCount(int slot) {
        return (int) entries[slot * STRIDE + HEAD] & MAX_SYNS;
    }

    /**
     * Removes the entry in {@code slot}: its index slot goes, later members of that probe chain
     * shift back so every remaining entry stays reachable from its home slot, and the last entry
     * moves into the freed position so the entries stay dense.
     */
    public void remove(int slot) {
        if (failed(slot)) {
            failedCount--;
        }
        removeIndexSlot(indexSlotOf(slot));
        int last = size - 1;
        if (slot != last) {
            int moved = indexSlotOf(last);
            index[moved] = (index[moved] & ~POSITION_MASK) | (slot + 1);
            System.arraycopy(entries, last * STRIDE, entries, slot * STRIDE, STRIDE);
        }
        size = last;
    }

    /** Decides, per entry, what a sweep does with it. */
    public interface Sweeper {
        /** Return true to remove the entry in {@code slot}. */
        boolean visit(PendingTable table, int slot);
    }

    /**
     * Offers every entry to {@code sweeper} once and removes those it returns true for; returns
     * how many went. Runs over the dense entries only: the drain loop calls it on its idle tick.
     */
    public int sweep(Sweeper sweeper) {
        int removed = 0;
        for (int slot = 0; slot < size; ) {
            if (sweeper.visit(this, slot)) {
                // the last entry, not visited yet, moves here: look at this slot again
                remove(slot);
                removed++;
            } else {
                slot++;
            }
        }
        return removed;
    }

    /** The index slot that refers to the entry in {@code slot}. */
    private int indexSlotOf(int slot) {
        int ref = slot + 1;
        if ((index[lastFoundIndexSlot] & POSITION_MASK) == ref) {
            return lastFoundIndexSlot;  // only one index slot can refer to an entry
        }
        for (int s = entryHash(slot) & mask; ; s = (s + 1) & mask) {
            if ((index[s] & POSITION_MASK) == ref) {
                return s;
            }
        }
    }

    private void removeIndexSlot(int hole) {
        for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
            int home = entryHash((index[next] & POSITION_MASK) - 1) & mask;
            // Move next into the hole unless its home lies cyclically within (hole, next].
            boolean homeBetween = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeBetween) {
                index[hole] = index[next];
                hole = next;
            }
        }
        index[hole] = 0;
    }

    private int entryHash(int slot) {
        int b = slot * STRIDE;
        return hash(entries[b + HEAD] & HEAD_KEY_BITS, entries[b + LOCAL_HI], entries[b + LOCAL_LO],
                entries[b + REMOTE_HI], entries[b + REMOTE_LO]);
    }

    private static long headKey(int fam, int lPort, int rPort) {
        return ((long) (lPort & 0xffff) << 48) | ((long) (rPort & 0xffff) << 32) | ((long) (fam & 0xf) << FAMILY_SHIFT);
    }

    private static int state(long head) {
        return (int) (head >>> STATE_SHIFT) & 0xf;
    }

    private static long withState(long head, int state) {
        return (head & ~(0xfL << STATE_SHIFT)) | ((long) state << STATE_SHIFT);
    }

    /**
     * Each word goes through a multiplication by an odd constant, a bijection, so tuples that
     * differ in one word never collide before the final mix; MurmurHash3's 64-bit finalizer then
     * lets every input bit reach the low bits used for the home slot and the high bits of the tag.
     */
    private int hash(long head, long lHi, long lLo, long rHi, long rLo) {
        long h = (seed ^ head) * 0x9E3779B97F4A7C15L;
        h = (h ^ lLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ rLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ lHi) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ rHi) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
