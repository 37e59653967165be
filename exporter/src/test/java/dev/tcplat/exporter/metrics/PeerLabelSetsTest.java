package dev.tcplat.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.config.Cidr;
import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.config.PeerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerLabelSetsTest {
    private static final long SECOND = 1_000_000_000L;
    /** 10.1.x.y: IPv4 in the top four bytes of hi */
    private static long v4(int a, int b, int c, int d) {
        return ((long) a << 56) | ((long) b << 48) | ((long) c << 40) | ((long) d << 32);
    }

    /** Records what the label sets make and remove, as "peer" or "peer|port". */
    private static final class Recorder implements PeerLabelSets.SeriesFactory<String> {
        final List<String> created = new ArrayList<>();
        final List<String> removed = new ArrayList<>();

        @Override
        public String create(String peer, String port) {
            String series = port == null ? peer : peer + "|" + port;
            created.add(series);
            return series;
        }

        @Override
        public void remove(String series) {
            removed.add(series);
        }
    }

    private static MetricsConfig config(List<PeerGroup> groups, int addresses, int prefixes, boolean ports,
            List<Integer> listed, int portBudget) {
        return new MetricsConfig(groups, addresses, prefixes, 24, 48, Duration.ofSeconds(60), ports, listed, portBudget,
                MetricsConfig.DEFAULT_RTT_BUCKETS, false);
    }

    @Test
    void addressesThenPrefixesThenOther() {
        Recorder recorder = new Recorder();
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(), 2, 1, false, List.of(), 0), recorder, 0);

        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 443)).isEqualTo("10.1.0.1");
        assertThat(sets.series(4, v4(10, 1, 0, 2), 0, 443)).isEqualTo("10.1.0.2");
        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 443)).as("known address keeps its label").isEqualTo("10.1.0.1");
        assertThat(sets.series(4, v4(10, 1, 0, 3), 0, 443)).isEqualTo("10.1.0.0/24");
        assertThat(sets.series(4, v4(10, 1, 0, 99), 0, 443)).isEqualTo("10.1.0.0/24");
        assertThat(sets.series(4, v4(10, 2, 0, 1), 0, 443)).isEqualTo("other");
        assertThat(sets.series(6, 0xfd00_0001_0002_0003L, 7, 443)).isEqualTo("other");

        assertThat(recorder.created).containsExactly("10.1.0.1", "10.1.0.2", "10.1.0.0/24", "other");
        assertThat(sets.size()).isEqualTo(4);
        assertThat(sets.foldedToPrefix()).isEqualTo(2);
        assertThat(sets.foldedToOther()).isEqualTo(2);
    }

    @Test
    void ipv6PrefixesUseTheirOwnLength() {
        Recorder recorder = new Recorder();
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(), 0, 5, false, List.of(), 0), recorder, 0);

        assertThat(sets.series(6, 0xfd00_0001_0002_0003L, 7, 443)).isEqualTo("fd00:1:2::/48");
    }

    @Test
    void groupsComeFirstAndDoNotSpendTheBudget() {
        Recorder recorder = new Recorder();
        PeerGroup databases = new PeerGroup("databases", List.of(Cidr.parse("10.9.0.0/16"), Cidr.parse("fd09::/16")));
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(databases), 1, 0, false, List.of(), 0),
                recorder, 0);

        assertThat(sets.series(4, v4(10, 9, 1, 1), 0, 5432)).isEqualTo("databases");
        assertThat(sets.series(6, 0xfd09_0000_0000_0000L, 1, 5432)).isEqualTo("databases");
        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 443)).isEqualTo("10.1.0.1");
        assertThat(recorder.created).containsExactly("databases", "10.1.0.1");
    }

    @Test
    void portsAreLabelledWhileTheirBudgetLasts() {
        Recorder recorder = new Recorder();
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(), 10, 0, true, List.of(), 2), recorder, 0);

        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 443)).isEqualTo("10.1.0.1|443");
        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 5432)).isEqualTo("10.1.0.1|5432");
        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 8080)).isEqualTo("10.1.0.1|other");
        assertThat(sets.series(4, v4(10, 1, 0, 2), 0, 443)).isEqualTo("10.1.0.2|443");
    }

    @Test
    void listedPortsOnly() {
        Recorder recorder = new Recorder();
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(), 10, 0, true, List.of(5432), 99), recorder, 0);

        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 443)).isEqualTo("10.1.0.1|other");
        assertThat(sets.series(4, v4(10, 1, 0, 1), 0, 5432)).isEqualTo("10.1.0.1|5432");
    }

    @Test
    void idleLabelSetsAreRemovedAndFreeTheirBudget() {
        Recorder recorder = new Recorder();
        PeerLabelSets<String> sets = new PeerLabelSets<>(config(List.of(), 1, 0, false, List.of(), 0), recorder, 0);
        sets.series(4, v4(10, 1, 0, 1), 0, 443);
        sets.expire(30 * SECOND);
        sets.series(4, v4(10, 1, 0, 2), 0, 443); // folded: the budget is spent
        sets.expire(61 * SECOND);

        assertThat(recorder.removed).containsExactly("10.1.0.1");
        assertThat(sets.expired()).isEqualTo(1);
        assertThat(sets.series(4, v4(10, 1, 0, 2), 0, 443)).as("the freed place").isEqualTo("10.1.0.2");
        assertThat(sets.size()).isEqualTo(2);
    }

    @Test
    void labelSetsNeverExceedTheBoundOfTheConfig() {
        MetricsConfig config = config(List.of(), 50, 20, true, List.of(), 3);
        PeerLabelSets<String> sets = new PeerLabelSets<>(config, new Recorder(), 0);
        for (int i = 0; i < 100_000; i++) {
            sets.series(4, v4(10, i >>> 16 & 0xff, i >>> 8 & 0xff, i & 0xff), 0, 1000 + i % 7);
        }
        assertThat((long) sets.size()).isLessThanOrEqualTo(config.labelSetsPerDirection());
        assertThat(config.labelSetsPerDirection()).isEqualTo((50 + 20 + 1) * 4);
    }
}
