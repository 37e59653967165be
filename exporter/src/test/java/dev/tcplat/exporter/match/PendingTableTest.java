package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PendingTableTest {
    @Test
    void manyTuplesStayFindableThroughInterleavedRemovals() {
        // A reference map checks the open-addressing table under churn, including backward-shift
        // deletion across long probe chains (ports close together collide in the low hash bits).
        PendingTable table = new PendingTable(4096);
        Map<Integer, Integer> reference = new HashMap<>();
        Random random = new Random(42);
        for (int round = 0; round < 200_000; round++) {
            int port = random.nextInt(6000);
            int slot = table.find(4, 1, 0, port, 2, 0, 443);
            assertThat(slot >= 0).isEqualTo(reference.containsKey(port));
            if (slot >= 0) {
                assertThat(table.seq(slot)).isEqualTo(reference.get(port));
                table.remove(slot);
                reference.remove(port);
            } else if (table.insert(4, 1, 0, port, 2, 0, 443, port * 7, round, false, 0) >= 0) {
                reference.put(port, port * 7);
            } else {
                assertThat(reference).hasSize(4096);
            }
            assertThat(table.size()).isEqualTo(reference.size());
        }
        for (Map.Entry<Integer, Integer> e : reference.entrySet()) {
            int slot = table.find(4, 1, 0, e.getKey(), 2, 0, 443);
            assertThat(slot).isNotNegative();
            assertThat(table.seq(slot)).isEqualTo(e.getValue());
        }
    }

    @Test
    void sweepRemovesExactlyTheEntriesItIsAskedTo() {
        PendingTable table = new PendingTable(1000);
        for (int port = 0; port < 1000; port++) {
            table.insert(6, 7, 8, port, 9, 10, 80, port, port % 2 == 0 ? 100 : 200, false, 0);
        }
        assertThat(table.sweep((t, slot) -> t.firstSynNs(slot) < 150)).isEqualTo(500);
        assertThat(table.size()).isEqualTo(500);
        for (int port = 0; port < 1000; port++) {
            assertThat(table.find(6, 7, 8, port, 9, 10, 80) >= 0).isEqualTo(port % 2 == 1);
        }
    }

    @Test
    void insertRefusesBeyondCapacity() {
        PendingTable table = new PendingTable(3);
        assertThat(table.insert(4, 1, 0, 1, 2, 0, 80, 0, 0, false, 0)).isNotNegative();
        assertThat(table.insert(4, 1, 0, 2, 2, 0, 80, 0, 0, false, 0)).isNotNegative();
        assertThat(table.insert(4, 1, 0, 3, 2, 0, 80, 0, 0, false, 0)).isNotNegative();
        assertThat(table.insert(4, 1, 0, 4, 2, 0, 80, 0, 0, false, 0)).isEqualTo(-1);
        assertThat(table.size()).isEqualTo(3);
    }
}
