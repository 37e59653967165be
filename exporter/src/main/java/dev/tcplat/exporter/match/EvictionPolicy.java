package dev.tcplat.exporter.match;

/**
 * How a full {@link PendingTable} makes room for a new SYN, so that a flood of SYNs that are never
 * answered can not keep real handshakes out:
 * <ol>
 *   <li>handshakes already counted as failed go first: they only linger to absorb late answers
 *       and are worth less than a live handshake. One pass drops them all, so a flood pays for
 *       the sweep rarely;</li>
 *   <li>then the oldest (by first SYN) of {@value #SAMPLES} entries near the new tuple's home
 *       slot. That home slot is random, so the victim is old compared with most entries: under a
 *       flood a real handshake lives long enough to get its answer, where refusing new entries
 *       would measure nothing until the flood's entries time out.</li>
 * </ol>
 */
final class EvictionPolicy {
    /** Entries sampled for the oldest when the table is still full. */
    static final int SAMPLES = 8;

    /** Told about an entry just before it is evicted to make room. */
    interface EvictionListener {
        void evicting(int slot);
    }

    private final PendingTable table;
    private final EvictionListener listener;
    private final PendingTable.Sweeper failedOnes = (t, slot) -> t.failed(slot);
    private final TupleIndex.SlotVisitor keepOldest = this::keepOldest;
    private int oldest;

    EvictionPolicy(PendingTable table, EvictionListener listener) {
        this.table = table;
        this.listener = listener;
    }

    /** Opens an entry for {@code syn}'s tuple, known to be absent, making room if need be; returns its slot. */
    int admit(HandshakeEvent syn) {
        int slot = table.insert(syn);
        if (slot < 0 && table.failedCount() > 0) {
            table.sweep(failedOnes);
            slot = table.insert(syn);
        }
        if (slot < 0) {
            int victim = oldestNear(syn.tuple());
            listener.evicting(victim);
            table.remove(victim);
            slot = table.insert(syn);
        }
        return slot;
    }

    /** The oldest of up to {@value #SAMPLES} entries near the home slot of {@code tuple}, or -1 when empty. */
    int oldestNear(Tuple tuple) {
        oldest = -1;
        table.visitNear(tuple, SAMPLES, keepOldest);
        return oldest;
    }

    private void keepOldest(int slot) {
        if (oldest < 0 || table.firstSynNs(slot) - table.firstSynNs(oldest) < 0) {
            oldest = slot;
        }
    }
}
