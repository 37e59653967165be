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
 * <p>Stored in a {@link PendingTable} keyed on the tuple as seen from this host, its fields read
 * as: {@code seq} the answer's ack, {@code answerSeq}/{@code answerNs} the answer's own sequence
 * number and kernel time, {@code lastTsval} its TSecr (valid when {@code lastHasTs}).
 */
final class EarlyAnswers {
    /** Far beyond any reordering between the CPUs' ring records, which is microseconds. */
    static final long WINDOW_NS = 1_000_000_000L;

    private final PendingTable table;
    private final PendingTable.Sweeper expiry = this::expireOne;
    private long sweepNow;
    private long expired;

    EarlyAnswers(int capacity) {
        this.table = new PendingTable(capacity);
    }

    /** Keeps an answer for the tuple; false when there is no room, or one is already kept. */
    boolean park(int family, long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
            int ack, int answerSeq, boolean hasTs, int tsecr, long tsNs) {
        if (table.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort) >= 0) {
            return false;
        }
        int slot = table.insert(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort, ack, tsNs,
                hasTs, tsecr);
        if (slot < 0) {
            return false;
        }
        table.answered(slot, answerSeq, tsNs);
        return true;
    }

    /**
     * The slot of a kept answer for this tuple that acknowledges a SYN with sequence number
     * {@code synSeq} and came after it, or -1. The caller reads it and then {@link #remove}s it.
     */
    int find(int family, long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
            int synSeq, long synNs) {
        if (table.size() == 0) {
            return -1;
        }
        int slot = table.find(family, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (slot < 0 || table.seq(slot) != synSeq + 1 || table.answerNs(slot) - synNs < 0) {
            return -1;
        }
        return slot;
    }

    long answerNs(int slot) {
        return table.answerNs(slot);
    }

    int answerSeq(int slot) {
        return table.answerSeq(slot);
    }

    boolean hasTs(int slot) {
        return table.lastHasTs(slot);
    }

    int tsecr(int slot) {
        return table.lastTsval(slot);
    }

    void remove(int slot) {
        table.remove(slot);
    }

    /** Drops answers kept longer than the window; returns how many, which no SYN claimed. */
    long expire(long nowNs) {
        if (table.size() == 0) {
            return 0;
        }
        sweepNow = nowNs;
        long before = expired;
        table.sweep(expiry);
        return expired - before;
    }

    private boolean expireOne(PendingTable t, int slot) {
        if (sweepNow - t.answerNs(slot) > WINDOW_NS) {
            expired++;
            return true;
        }
        return false;
    }

    int size() {
        return table.size();
    }
}
