package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PendingTableTest {
    private static Tuple tuple(int family, int localPort) {
        return TestEvents.family(family).local(1, 0, localPort).remote(2, 0, 443);
    }

    private static HandshakeEvent syn(Tuple tuple, int seq, long ns, boolean hasTs, int tsval) {
        return TestEvents.syn(tuple, seq, ns).timestamps(hasTs, tsval, 0);
    }

    @Test
    void manyTuplesStayFindableThroughInterleavedRemovals() {
        // A reference map checks the open-addressing table under churn, including backward-shift
        // deletion across long probe chains (ports close together collide in the low hash bits).
        PendingTable table = new PendingTable(4096);
        Map<Integer, Integer> reference = new HashMap<>();
        Random random = new Random(42);
        for (int round = 0; round < 200_000; round++) {
            int port = random.nextInt(6000);
            int slot = table.find(tuple(4, port));
            assertThat(slot >= 0).isEqualTo(reference.containsKey(port));
            if (slot >= 0) {
                assertThat(table.seq(slot)).isEqualTo(reference.get(port));
                table.remove(slot);
                reference.remove(port);
            } else if (table.insert(syn(tuple(4, port), port * 7, round, false, 0)) >= 0) {
                reference.put(port, port * 7);
            } else {
                assertThat(reference).hasSize(4096);
            }
            assertThat(table.size()).isEqualTo(reference.size());
        }
        for (Map.Entry<Integer, Integer> e : reference.entrySet()) {
            int slot = table.find(tuple(4, e.getKey()));
            assertThat(slot).isNotNegative();
            assertThat(table.seq(slot)).isEqualTo(e.getValue());
        }
    }

    @Test
    void sweepRemovesExactlyTheEntriesItIsAskedTo() {
        PendingTable table = new PendingTable(1000);
        for (int port = 0; port < 1000; port++) {
            table.insert(syn(TestEvents.family(6).local(7, 8, port).remote(9, 10, 80), port, port % 2 == 0 ? 100 : 200, false, 0));
        }
        assertThat(table.sweep((t, slot) -> t.firstSynNs(slot) < 150)).isEqualTo(500);
        assertThat(table.size()).isEqualTo(500);
        for (int port = 0; port < 1000; port++) {
            assertThat(table.find(TestEvents.family(6).local(7, 8, port).remote(9, 10, 80)) >= 0).isEqualTo(port % 2 == 1);
        }
    }

    @Test
    void insertRefusesBeyondCapacity() {
        PendingTable table = new PendingTable(3);
        assertThat(table.insert(syn(TestEvents.family(4).local(1, 0, 1).remote(2, 0, 80), 0, 0, false, 0))).isNotNegative();
        assertThat(table.insert(syn(TestEvents.family(4).local(1, 0, 2).remote(2, 0, 80), 0, 0, false, 0))).isNotNegative();
        assertThat(table.insert(syn(TestEvents.family(4).local(1, 0, 3).remote(2, 0, 80), 0, 0, false, 0))).isNotNegative();
        assertThat(table.insert(syn(TestEvents.family(4).local(1, 0, 4).remote(2, 0, 80), 0, 0, false, 0))).isEqualTo(-1);
        assertThat(table.size()).isEqualTo(3);
    }

    /** What one entry should hold, kept beside the table by the test below. */
    private static final class Expected {
        final int family;
        final long localHi;
        final long localLo;
        final long remoteHi;
        final long remoteLo;
        final int localPort;
        final int remotePort;
        int seq;
        long firstSynNs;
        long lastSynNs;
        long prevSynNs;
        int lastTsval;
        int prevTsval;
        boolean lastHasTs;
        boolean prevHasTs;
        int synCount;
        int answerSeq;
        long answerNs;
        int answerCount;
        boolean failed;

        Expected(Random random, int i) {
            family = random.nextBoolean() ? 4 : 6;
            localHi = family == 6 ? random.nextLong() : 0;
            localLo = random.nextLong();
            remoteHi = family == 6 ? random.nextLong() : 0;
            remoteLo = random.nextLong();
            localPort = random.nextInt(65536);
            remotePort = i & 0xffff;
        }

        int find(PendingTable table) {
            return table.find(tuple());
        }

        Tuple tuple() {
            return TestEvents.family(family).local(localHi, localLo, localPort).remote(remoteHi, remoteLo, remotePort);
        }

        void start(int synSeq, long ns, boolean hasTs, int tsval) {
            seq = synSeq;
            firstSynNs = lastSynNs = prevSynNs = ns;
            lastTsval = prevTsval = tsval;
            lastHasTs = hasTs;
            prevHasTs = false;
            synCount = 1;
            answerCount = 0;
            failed = false;
        }
    }

    @Test
    void everyFieldSurvivesEntriesMovingAround() {
        // Removals move the last entry into the hole and shift index slots back; each field is
        // packed into shared words. A model of every field is checked against the table after
        // every step, extreme values included (negative times and sequence numbers, all-ones words).
        PendingTable table = new PendingTable(256);
        List<Expected> model = new ArrayList<>();
        Random random = new Random(7);
        for (int step = 0; step < 12_000; step++) {
            int op = random.nextInt(10);
            if (op < 4 && model.size() < 256) {
                Expected e = new Expected(random, step);
                if (e.find(table) >= 0) {
                    continue;
                }
                int seq = random.nextInt();
                long ns = random.nextLong();
                boolean hasTs = random.nextBoolean();
                int tsval = random.nextInt();
                assertThat(table.insert(syn(e.tuple(), seq, ns, hasTs, tsval))).isNotNegative();
                e.start(seq, ns, hasTs, tsval);
                model.add(e);
            } else if (!model.isEmpty()) {
                Expected e = model.get(random.nextInt(model.size()));
                int slot = e.find(table);
                switch (op) {
                    case 4 -> {
                        long ns = random.nextLong();
                        boolean hasTs = random.nextBoolean();
                        int tsval = random.nextInt();
                        table.retransmitted(slot, syn(e.tuple(), 0, ns, hasTs, tsval));
                        e.prevSynNs = e.lastSynNs;
                        e.lastSynNs = ns;
                        e.prevTsval = e.lastTsval;
                        e.lastTsval = tsval;
                        e.prevHasTs = e.lastHasTs;
                        e.lastHasTs = hasTs;
                        e.synCount++;
                    }
                    case 5 -> {
                        int seq = random.nextInt();
                        long ns = random.nextLong();
                        table.answered(slot, seq, ns);
                        e.answerSeq = seq;
                        e.answerNs = ns;
                        e.answerCount++;
                    }
                    case 6 -> {
                        table.markFailed(slot);
                        e.failed = true;
                    }
                    case 7 -> {
                        int seq = random.nextInt();
                        long ns = random.nextLong();
                        boolean hasTs = random.nextBoolean();
                        int tsval = random.nextInt();
                        table.reset(slot, syn(e.tuple(), seq, ns, hasTs, tsval));
                        e.start(seq, ns, hasTs, tsval);
                    }
                    default -> {
                        table.remove(slot);
                        model.remove(e);
                    }
                }
            }
            assertThat(table.size()).isEqualTo(model.size());
            assertThat(table.failedCount()).isEqualTo((int) model.stream().filter(m -> m.failed).count());
            if (step % 8 != 0) {
                continue;
            }
            for (Expected e : model) {
                int slot = e.find(table);
                assertThat(slot).isNotNegative();
                Tuple tuple = table.tuple(slot, new Tuple());
                assertThat(table.family(slot)).isEqualTo(e.family);
                assertThat(tuple.family()).isEqualTo(e.family);
                assertThat(tuple.localHi()).isEqualTo(e.localHi);
                assertThat(tuple.localLo()).isEqualTo(e.localLo);
                assertThat(tuple.remoteHi()).isEqualTo(e.remoteHi);
                assertThat(tuple.remoteLo()).isEqualTo(e.remoteLo);
                assertThat(tuple.localPort()).isEqualTo(e.localPort);
                assertThat(tuple.remotePort()).isEqualTo(e.remotePort);
                assertThat(table.seq(slot)).isEqualTo(e.seq);
                assertThat(table.firstSynNs(slot)).isEqualTo(e.firstSynNs);
                assertThat(table.lastSynNs(slot)).isEqualTo(e.lastSynNs);
                assertThat(table.prevSynNs(slot)).isEqualTo(e.prevSynNs);
                assertThat(table.lastTsval(slot)).isEqualTo(e.lastTsval);
                assertThat(table.prevTsval(slot)).isEqualTo(e.prevTsval);
                assertThat(table.lastHasTs(slot)).isEqualTo(e.lastHasTs);
                assertThat(table.prevHasTs(slot)).isEqualTo(e.prevHasTs);
                assertThat(table.synCount(slot)).isEqualTo(Math.min(e.synCount, 65_535));
                assertThat(table.answerCount(slot)).isEqualTo(Math.min(e.answerCount, 255));
                if (e.answerCount > 0) {
                    assertThat(table.answerSeq(slot)).isEqualTo(e.answerSeq);
                    assertThat(table.answerNs(slot)).isEqualTo(e.answerNs);
                }
                assertThat(table.failed(slot)).isEqualTo(e.failed);
            }
        }
    }

    @Test
    void countsSaturateInsteadOfWrappingToZero() {
        PendingTable table = new PendingTable(1);
        Tuple tuple = TestEvents.family(4).local(0, 1, 1).remote(0, 2, 2);
        int slot = table.insert(syn(tuple, 0, 0, false, 0));
        for (int i = 0; i < 70_000; i++) {
            table.retransmitted(slot, syn(tuple, 0, i, false, 0));
            table.answered(slot, i, i);
        }
        assertThat(table.synCount(slot)).isEqualTo(65_535);
        assertThat(table.answerCount(slot)).isEqualTo(255);
        Tuple read = table.tuple(slot, new Tuple());
        assertThat(read.localPort()).isEqualTo(1);
        assertThat(read.remotePort()).isEqualTo(2);
        assertThat(read.family()).isEqualTo(4);
    }

    @Test
    void sweepVisitsEveryEntryOnceWhileRemovalsMoveThem() {
        PendingTable table = new PendingTable(1000);
        for (int port = 0; port < 1000; port++) {
            table.insert(syn(TestEvents.family(4).local(0, 1, port).remote(0, 2, 80), port, port, false, 0));
        }
        Map<Integer, Integer> visits = new HashMap<>();
        Tuple tuple = new Tuple();
        table.sweep((t, slot) -> {
            int port = t.tuple(slot, tuple).localPort();
            visits.merge(port, 1, Integer::sum);
            return port % 3 != 0;
        });
        assertThat(visits).hasSize(1000);
        assertThat(visits.values()).containsOnly(1);
        assertThat(table.size()).isEqualTo(334);
    }
}
