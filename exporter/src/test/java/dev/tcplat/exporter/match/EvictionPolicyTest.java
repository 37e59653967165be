package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {
    private final List<Integer> evictedPorts = new ArrayList<>();
    private final Tuple read = new Tuple();

    private static HandshakeEvent syn(int localPort, long ts) {
        return TestEvents.syn(TestEvents.family(4).local(1, 0, localPort).remote(2, 0, 443), localPort, ts);
    }

    @Test
    void roomIsTakenOnlyWhenTheTableIsFull() {
        PendingTable table = new PendingTable(2);
        EvictionPolicy policy = new EvictionPolicy(table, slot -> evictedPorts.add(0));

        assertThat(policy.admit(syn(1, 10))).isNotNegative();
        assertThat(policy.admit(syn(2, 20))).isNotNegative();

        assertThat(table.size()).isEqualTo(2);
        assertThat(evictedPorts).isEmpty();
    }

    @Test
    void failedHandshakesGoFirstAndAllAtOnceWithoutBeingShownAsEvictions() {
        PendingTable table = new PendingTable(3);
        EvictionPolicy policy = new EvictionPolicy(table, slot -> evictedPorts.add(table.tuple(slot, read).localPort()));
        policy.admit(syn(1, 10));
        policy.admit(syn(2, 20));
        policy.admit(syn(3, 30));
        table.markFailed(table.find(syn(1, 0).tuple()));
        table.markFailed(table.find(syn(3, 0).tuple()));

        policy.admit(syn(4, 40));

        assertThat(evictedPorts).isEmpty();
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.failedCount()).isZero();
        assertThat(table.find(syn(2, 0).tuple())).isNotNegative();
        assertThat(table.find(syn(4, 0).tuple())).isNotNegative();
    }

    @Test
    void withNoFailedOnesTheOldestOfTheSampleIsShownThenEvicted() {
        // A table smaller than the sample: every entry is sampled, so the oldest overall goes.
        PendingTable table = new PendingTable(EvictionPolicy.SAMPLES / 2);
        EvictionPolicy policy = new EvictionPolicy(table, slot -> evictedPorts.add(table.tuple(slot, read).localPort()));
        long[] firstSyn = {50, 20, 70, 40};
        for (int i = 0; i < firstSyn.length; i++) {
            policy.admit(syn(i + 1, firstSyn[i]));
        }

        int slot = policy.admit(syn(9, 100));

        assertThat(evictedPorts).containsExactly(2);
        assertThat(table.find(syn(2, 0).tuple())).isNegative();
        assertThat(table.find(syn(9, 0).tuple())).isEqualTo(slot);
        assertThat(table.firstSynNs(slot)).isEqualTo(100);
    }

    @Test
    void anEmptyTableHasNoOldest() {
        PendingTable table = new PendingTable(4);
        assertThat(new EvictionPolicy(table, slot -> { }).oldestNear(syn(1, 0).tuple())).isEqualTo(-1);
    }
}
