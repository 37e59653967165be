package dev.tcplat.exporter.match;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A set of tuples with a fixed number of record words beside each: the storage and lookup under
 * {@link PendingTable} and {@link EarlyAnswers}, which each lay out their own records in those
 * words. Keyed on the full tuple, never on a hash alone, so two connections can not be confused.
 *
 * <p>Two primitive arrays and no object per entry, so a SYN flood costs no garbage:
 * <ul>
 *   <li>{@code words}: every entry packed into {@code stride} consecutive longs, densely, in the
 *       first {@link #size()} positions: {@value #KEY_WORDS} words of key, then the record's. An
 *       entry's fields sit in one or two cache lines, where one array per field would touch a
 *       line per field.</li>
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
final class TupleIndex {
    /** Bounds the position stored in an index slot to {@link #POSITION_BITS} bits. */
    static final int MAX_CAPACITY = 1 << 24;

    // The key's words. HEAD packs the ports and family into its top bits; its low bits are the
    // record's (HEAD_RECORD_BITS).
    static final int HEAD = 0;
    private static final int LOCAL_HI = 1;
    private static final int LOCAL_LO = 2;
    private static final int REMOTE_HI = 3;
    private static final int REMOTE_LO = 4;
    static final int KEY_WORDS = 5;

    // HEAD: local port 63..48, remote port 47..32, family 31..28; 27..0 belong to the record.
    private static final long HEAD_KEY_BITS = 0xffff_ffff_f000_0000L;
    static final long HEAD_RECORD_BITS = ~HEAD_KEY_BITS;
    private static final int FAMILY_SHIFT = 28;

    // An index slot: 0 when empty, else the hash's top seven bits | (position + 1).
    private static final int POSITION_BITS = 25;
    private static final int POSITION_MASK = (1 << POSITION_BITS) - 1;

    private final int capacity;
    private final int stride;
    private final long[] words;
    private final int[] index;
    private final int mask;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private volatile int size;
    /** The index slot of the last entry {@link #find} returned: a find is usually followed by a remove. */
    private int lastFoundIndexSlot;

    /** @param recordWords words kept beside each tuple, after its {@value #KEY_WORDS} key words */
    TupleIndex(int capacity, int recordWords) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be within 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        this.capacity = capacity;
        this.stride = KEY_WORDS + recordWords;
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.index = new int[slots];
        this.words = new long[capacity * stride];
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    /** The array the records live in: entry {@code slot}'s words start at {@code slot * stride}. */
    long[] words() {
        return words;
    }

    /** The entry holding this tuple, or -1. */
    int find(Tuple t) {
        long key = headKey(t.family(), t.localPort(), t.remotePort());
        long lHi = t.localHi();
        long lLo = t.localLo();
        long rHi = t.remoteHi();
        long rLo = t.remoteLo();
        int hash = hash(key, lHi, lLo, rHi, rLo);
        int tag = hash & ~POSITION_MASK;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            int v = index[s];
            if (v == 0) {
                return -1;
            }
            if ((v & ~POSITION_MASK) == tag) {
                int slot = (v & POSITION_MASK) - 1;
                int b = slot * stride;
                if ((words[b + HEAD] & HEAD_KEY_BITS) == key && words[b + LOCAL_LO] == lLo
                        && words[b + REMOTE_LO] == rLo && words[b + LOCAL_HI] == lHi
                        && words[b + REMOTE_HI] == rHi) {
                    lastFoundIndexSlot = s;
                    return slot;
                }
            }
        }
    }

    /**
     * Adds a tuple known to be absent; returns its slot, whose record words and HEAD record bits
     * the caller then sets, or -1 when the index already holds {@link #capacity()} entries.
     */
    int insert(Tuple t) {
        int family = t.family();
        if (family < 1 || family > 15) {
            throw new IllegalArgumentException("family must be within 1..15, got " + family);
        }
        if (size >= capacity) {
            return -1;
        }
        long key = headKey(family, t.localPort(), t.remotePort());
        int hash = hash(key, t.localHi(), t.localLo(), t.remoteHi(), t.remoteLo());
        int s = hash & mask;
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        int slot = size;
        index[s] = (hash & ~POSITION_MASK) | (slot + 1);
        int b = slot * stride;
        words[b + HEAD] = key;
        words[b + LOCAL_HI] = t.localHi();
        words[b + LOCAL_LO] = t.localLo();
        words[b + REMOTE_HI] = t.remoteHi();
        words[b + REMOTE_LO] = t.remoteLo();
        size = slot + 1;
        return slot;
    }

    /** Writes the tuple of entry {@code slot} into {@code out} and returns it. */
    Tuple tuple(int slot, Tuple out) {
        int b = slot * stride;
        long head = words[b + HEAD];
        return out.family((int) (head >>> FAMILY_SHIFT) & 0xf)
                .local(words[b + LOCAL_HI], words[b + LOCAL_LO], (int) (head >>> 48))
                .remote(words[b + REMOTE_HI], words[b + REMOTE_LO], (int) (head >>> 32) & 0xffff);
    }

    int family(int slot) {
        return (int) (words[slot * stride + HEAD] >>> FAMILY_SHIFT) & 0xf;
    }

    /**
     * Removes entry {@code slot}: its index slot goes, later members of that probe chain shift
     * back so every remaining entry stays reachable from its home slot, and the last entry moves
     * into the freed position so the entries stay dense.
     */
    void remove(int slot) {
        removeIndexSlot(indexSlotOf(slot));
        int last = size - 1;
        if (slot != last) {
            int moved = indexSlotOf(last);
            index[moved] = (index[moved] & ~POSITION_MASK) | (slot + 1);
            System.arraycopy(words, last * stride, words, slot * stride, stride);
        }
        size = last;
    }

    /** Decides, per entry, what a sweep does with it. */
    interface Sweeper {
        /** Return true to remove the entry in {@code slot}. */
        boolean visit(int slot);
    }

    /**
     * Offers every entry to {@code sweeper} once and removes those it returns true for; returns
     * how many went. Runs over the dense entries only: the drain loop calls it on its idle tick.
     */
    int sweep(Sweeper sweeper) {
        int removed = 0;
        for (int slot = 0; slot < size; ) {
            if (sweeper.visit(slot)) {
                // the last entry, not visited yet, moves here: look at this slot again
                remove(slot);
                removed++;
            } else {
                slot++;
            }
        }
        return removed;
    }

    /** Told the entries a walk of the index meets. */
    interface SlotVisitor {
        void visit(int slot);
    }

    /**
     * Shows {@code visitor} up to {@code samples} entries, found walking the index forward from
     * the home slot of {@code t} (present or not). The home slot of a new tuple is random, so
     * this samples the table.
     */
    void visitNear(Tuple t, int samples, SlotVisitor visitor) {
        int s = hash(headKey(t.family(), t.localPort(), t.remotePort()), t.localHi(), t.localLo(), t.remoteHi(),
                t.remoteLo()) & mask;
        for (int seen = 0; seen < samples && seen < size; s = (s + 1) & mask) {
            int v = index[s];
            if (v != 0) {
                visitor.visit((v & POSITION_MASK) - 1);
                seen++;
            }
        }
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
        int b = slot * stride;
        return hash(words[b + HEAD] & HEAD_KEY_BITS, words[b + LOCAL_HI], words[b + LOCAL_LO],
                words[b + REMOTE_HI], words[b + REMOTE_LO]);
    }

    private static long headKey(int family, int localPort, int remotePort) {
        return ((long) (localPort & 0xffff) << 48) | ((long) (remotePort & 0xffff) << 32)
                | ((long) (family & 0xf) << FAMILY_SHIFT);
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
