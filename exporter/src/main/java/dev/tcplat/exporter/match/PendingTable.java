package dev.tcplat.exporter.match;

/**
 * Handshakes waiting for an answer, keyed on the full 4-tuple (family, local address and port,
 * remote address and port) — never on a hash alone, so two connections can not be confused.
 *
 * <p>Open addressing with linear probing over primitive parallel arrays: no object per entry and
 * no allocation after construction, so a SYN flood costs no garbage. The slot array is twice the
 * capacity, which keeps probe chains short at the fullest. Deletion shifts the rest of the probe
 * chain back (Knuth's algorithm R) instead of leaving tombstones that would slow lookups down
 * over a long-running process.
 *
 * <p>Not thread-safe: owned by the drain thread. {@link #size()} may be read from any thread.
 */
public final class PendingTable {
    private static final byte EMPTY = 0;

    private final int capacity;
    private final int mask;
    private final byte[] family;
    private final long[] localHi;
    private final long[] localLo;
    private final long[] remoteHi;
    private final long[] remoteLo;
    /** local port in the high 16 bits, remote port in the low 16 bits */
    private final int[] ports;
    private final int[] seq;
    private final long[] firstSynNs;
    private final long[] lastSynNs;
    private final long[] prevSynNs;
    private final int[] lastTsval;
    private final int[] prevTsval;
    private final int[] synCount;
    /** inbound only: this host's SYN-ACK, once sent */
    private final int[] answerSeq;
    private final long[] answerNs;
    private final int[] answerCount;
    /** bit 0: the latest SYN carried a timestamp; bit 1: the previous one did; bit 2: failed */
    private final byte[] state;
    private volatile int size;
    private int failedCount;

    public PendingTable(int capacity) {
        if (capacity < 1 || capacity > (1 << 28)) {
            throw new IllegalArgumentException("capacity must be within 1..2^28, got " + capacity);
        }
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = slots - 1;
        family = new byte[slots];
        localHi = new long[slots];
        localLo = new long[slots];
        remoteHi = new long[slots];
        remoteLo = new long[slots];
        ports = new int[slots];
        seq = new int[slots];
        firstSynNs = new long[slots];
        lastSynNs = new long[slots];
        prevSynNs = new long[slots];
        lastTsval = new int[slots];
        prevTsval = new int[slots];
        synCount = new int[slots];
        answerSeq = new int[slots];
        answerNs = new long[slots];
        answerCount = new int[slots];
        state = new byte[slots];
    }

    static final int LAST_HAS_TS = 1;
    static final int PREV_HAS_TS = 2;
    static final int FAILED = 4;

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /** The slot holding this tuple, or -1. */
    public int find(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
        int packedPorts = packPorts(lPort, rPort);
        int slot = hash(fam, lHi, lLo, packedPorts, rHi, rLo) & mask;
        while (family[slot] != EMPTY) {
            if (family[slot] == fam && ports[slot] == packedPorts && localLo[slot] == lLo
                    && remoteLo[slot] == rLo && localHi[slot] == lHi && remoteHi[slot] == rHi) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /**
     * Stores a new entry for a tuple known to be absent. Returns its slot, or -1 when the table
     * already holds {@link #capacity()} entries.
     */
    public int insert(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort,
            int synSeq, long synNs, boolean hasTs, int tsval) {
        if (fam == EMPTY) {
            throw new IllegalArgumentException("family 0 marks an empty slot");
        }
        if (size >= capacity) {
            return -1;
        }
        int packedPorts = packPorts(lPort, rPort);
        int slot = hash(fam, lHi, lLo, packedPorts, rHi, rLo) & mask;
        while (family[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        family[slot] = (byte) fam;
        localHi[slot] = lHi;
        localLo[slot] = lLo;
        remoteHi[slot] = rHi;
        remoteLo[slot] = rLo;
        ports[slot] = packedPorts;
        size = size + 1;
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
     * The oldest (by first SYN) of up to {@code samples} entries found walking forward from the
     * tuple's home slot, or -1 when the table is empty. The home slot of a new tuple is random,
     * so this samples the table: the victim is old compared with most entries, which under a
     * flood of SYNs that are never answered lets a real handshake live long enough to get its
     * answer, where refusing new entries would measure nothing until the flood's entries time out.
     */
    int oldestNear(int fam, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort, int samples) {
        if (size == 0) {
            return -1;
        }
        int slot = hash(fam, lHi, lLo, packPorts(lPort, rPort), rHi, rLo) & mask;
        int oldest = -1;
        for (int seen = 0; seen < samples && seen < size; slot = (slot + 1) & mask) {
            if (family[slot] != EMPTY) {
                if (oldest < 0 || firstSynNs[slot] - firstSynNs[oldest] < 0) {
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
        seq[slot] = synSeq;
        firstSynNs[slot] = synNs;
        lastSynNs[slot] = synNs;
        prevSynNs[slot] = synNs;
        lastTsval[slot] = tsval;
        prevTsval[slot] = tsval;
        synCount[slot] = 1;
        answerCount[slot] = 0;
        state[slot] = (byte) (hasTs ? LAST_HAS_TS : 0);
    }

    /** Records the SYN-ACK this host sent for the entry (inbound handshakes). */
    public void answered(int slot, int synAckSeq, long synAckNs) {
        answerSeq[slot] = synAckSeq;
        answerNs[slot] = synAckNs;
        answerCount[slot]++;
    }

    public int answerCount(int slot) {
        return answerCount[slot];
    }

    public int answerSeq(int slot) {
        return answerSeq[slot];
    }

    public long answerNs(int slot) {
        return answerNs[slot];
    }

    public long localHi(int slot) {
        return localHi[slot];
    }

    public long localLo(int slot) {
        return localLo[slot];
    }

    public int localPort(int slot) {
        return ports[slot] >>> 16;
    }

    /**
     * Records a retransmission of the SYN held in {@code slot}, remembering the previous copy too:
     * an answer may still be on its way to it.
     */
    public void retransmitted(int slot, long synNs, boolean hasTs, int tsval) {
        prevSynNs[slot] = lastSynNs[slot];
        prevTsval[slot] = lastTsval[slot];
        lastSynNs[slot] = synNs;
        lastTsval[slot] = tsval;
        int flags = state[slot] & FAILED;
        if ((state[slot] & LAST_HAS_TS) != 0) {
            flags |= PREV_HAS_TS;
        }
        if (hasTs) {
            flags |= LAST_HAS_TS;
        }
        state[slot] = (byte) flags;
        synCount[slot]++;
    }

    /** Marks the entry as already counted as failed; it lingers only to absorb late packets. */
    public void markFailed(int slot) {
        if (!failed(slot)) {
            state[slot] |= FAILED;
            failedCount++;
        }
    }

    public boolean failed(int slot) {
        return (state[slot] & FAILED) != 0;
    }

    public int failedCount() {
        return failedCount;
    }

    public boolean lastHasTs(int slot) {
        return (state[slot] & LAST_HAS_TS) != 0;
    }

    public boolean prevHasTs(int slot) {
        return (state[slot] & PREV_HAS_TS) != 0;
    }

    public int lastTsval(int slot) {
        return lastTsval[slot];
    }

    public int prevTsval(int slot) {
        return prevTsval[slot];
    }

    public long prevSynNs(int slot) {
        return prevSynNs[slot];
    }

    public int family(int slot) {
        return family[slot];
    }

    public long remoteHi(int slot) {
        return remoteHi[slot];
    }

    public long remoteLo(int slot) {
        return remoteLo[slot];
    }

    public int remotePort(int slot) {
        return ports[slot] & 0xffff;
    }

    public int seq(int slot) {
        return seq[slot];
    }

    public long firstSynNs(int slot) {
        return firstSynNs[slot];
    }

    public long lastSynNs(int slot) {
        return lastSynNs[slot];
    }

    public int synCount(int slot) {
        return synCount[slot];
    }

    /**
     * Removes the entry in {@code slot}, shifting later members of its probe chain back so every
     * remaining entry stays reachable from its home slot.
     */
    public void remove(int slot) {
        if (failed(slot)) {
            failedCount--;
        }
        int hole = slot;
        int next = (hole + 1) & mask;
        while (family[next] != EMPTY) {
            int home = hash(family[next], localHi[next], localLo[next], ports[next], remoteHi[next],
                    remoteLo[next]) & mask;
            // Move next into the hole unless its home lies cyclically within (hole, next].
            boolean homeBetween = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeBetween) {
                copy(next, hole);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        family[hole] = EMPTY;
        state[hole] = 0;
        size = size - 1;
    }

    /** Decides, per entry, what a sweep does with it. */
    public interface Sweeper {
        /** Return true to remove the entry in {@code slot}. */
        boolean visit(PendingTable table, int slot);
    }

    /**
     * Offers every entry to {@code sweeper} and removes those it returns true for; returns how
     * many went. Runs over the whole slot array: the drain loop calls it on its idle tick.
     */
    public int sweep(Sweeper sweeper) {
        int removed = 0;
        for (int slot = 0; slot <= mask; slot++) {
            // A removal may shift a later entry into this slot: look at the slot again.
            while (family[slot] != EMPTY && sweeper.visit(this, slot)) {
                remove(slot);
                removed++;
            }
        }
        return removed;
    }

    private void copy(int from, int to) {
        family[to] = family[from];
        localHi[to] = localHi[from];
        localLo[to] = localLo[from];
        remoteHi[to] = remoteHi[from];
        remoteLo[to] = remoteLo[from];
        ports[to] = ports[from];
        seq[to] = seq[from];
        firstSynNs[to] = firstSynNs[from];
        lastSynNs[to] = lastSynNs[from];
        prevSynNs[to] = prevSynNs[from];
        lastTsval[to] = lastTsval[from];
        prevTsval[to] = prevTsval[from];
        synCount[to] = synCount[from];
        answerSeq[to] = answerSeq[from];
        answerNs[to] = answerNs[from];
        answerCount[to] = answerCount[from];
        state[to] = state[from];
    }

    private static int packPorts(int lPort, int rPort) {
        return (lPort << 16) | (rPort & 0xffff);
    }

    private static int hash(int fam, long lHi, long lLo, int packedPorts, long rHi, long rLo) {
        long h = fam * 0x9E3779B97F4A7C15L;
        h = mix(h ^ lHi);
        h = mix(h ^ lLo);
        h = mix(h ^ rHi);
        h = mix(h ^ rLo);
        h = mix(h ^ packedPorts);
        return (int) (h ^ (h >>> 32));
    }

    /** The finalizer of MurmurHash3's 64-bit variant: every input bit affects every output bit. */
    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
