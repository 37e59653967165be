package dev.tcplat.exporter.metrics;

import dev.tcplat.exporter.config.Cidr;
import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.config.PeerGroup;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The label sets of one direction under the cardinality budget of {@link MetricsConfig}, each
 * with its series. A peer address gets its group's name, else its own address while the budget
 * of addresses lasts, else its prefix while the budget of prefixes lasts, else {@code other};
 * the server port, when labelled, its number while the port budget lasts, else {@code other}.
 *
 * <p>A label set idle for {@link MetricsConfig#idleTimeout()} is removed, series and all, so it
 * goes stale in Prometheus and frees its place in the budget. Lookups reuse one mutable key:
 * a known label set costs a group scan and a hash lookup, no allocation. Drain thread only;
 * the counters may be read from any thread.
 *
 * @param <S> the series of a label set, made and removed by a {@link SeriesFactory}
 */
final class PeerLabelSets<S> {
    /** Makes the series of a new label set, and removes them from the registry when it expires. */
    interface SeriesFactory<S> {
        S create(String peer, String port);

        void remove(S series);
    }

    private static final byte GROUP = 1;
    private static final byte ADDRESS = 2;
    private static final byte PREFIX = 3;
    private static final byte OTHER = 4;
    private static final int PORT_OTHER = -1;

    private final MetricsConfig config;
    private final SeriesFactory<S> factory;
    private final List<PeerGroup> groups;
    private final Map<Key, Entry<S>> sets = new HashMap<>();
    private final Key lookup = new Key();
    private final BitSet labelledPorts = new BitSet(65536);
    private int labelledPortCount;
    private int addresses;
    private int prefixes;
    private long tick;

    private volatile int size;
    private volatile long foldedToPrefix;
    private volatile long foldedToOther;
    private volatile long expired;

    PeerLabelSets(MetricsConfig config, SeriesFactory<S> factory, long nowNs) {
        this.config = config;
        this.factory = factory;
        this.groups = config.groups();
        for (int port : config.listedPorts()) {
            labelledPorts.set(port);
        }
        this.tick = nowNs;
    }

    /** The series of the label set this peer and server port fall into, made if new. */
    S series(int family, long hi, long lo, int serverPort) {
        int port = portCode(serverPort);
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).contains(family, hi, lo)) {
                Entry<S> entry = sets.get(lookup.set(GROUP, 0, g, 0, port));
                return entry != null ? use(entry) : create(groups.get(g).name(), port);
            }
        }
        Entry<S> entry = sets.get(lookup.set(ADDRESS, family, hi, lo, port));
        if (entry != null) {
            return use(entry);
        }
        if (addresses < config.addressesPerDirection()) {
            addresses++;
            return create(PeerAddressFormat.format(family, hi, lo), port);
        }
        int length = family == 4 ? config.ipv4PrefixLength() : config.ipv6PrefixLength();
        long prefixHi = hi & Cidr.mask(length, 0);
        long prefixLo = lo & Cidr.mask(length, 64);
        entry = sets.get(lookup.set(PREFIX, family, prefixHi, prefixLo, port));
        if (entry != null) {
            foldedToPrefix++;
            return use(entry);
        }
        if (prefixes < config.prefixesPerDirection()) {
            prefixes++;
            foldedToPrefix++;
            return create(PeerAddressFormat.format(family, prefixHi, prefixLo) + "/" + length, port);
        }
        foldedToOther++;
        entry = sets.get(lookup.set(OTHER, 0, 0, 0, port));
        return entry != null ? use(entry) : create(MetricsConfig.OTHER, port);
    }

    private S use(Entry<S> entry) {
        entry.lastUsed = tick;
        return entry.series;
    }

    /** A new label set for the key in {@link #lookup}. */
    private S create(String peer, int port) {
        String portLabel = !config.portLabel() ? null : port == PORT_OTHER ? MetricsConfig.OTHER : Integer.toString(port);
        Entry<S> entry = new Entry<>(factory.create(peer, portLabel), lookup.kind);
        entry.lastUsed = tick;
        sets.put(lookup.copy(), entry);
        size = sets.size();
        return entry.series;
    }

    private int portCode(int serverPort) {
        if (!config.portLabel()) {
            return 0;
        }
        if (labelledPorts.get(serverPort)) {
            return serverPort;
        }
        if (config.listedPorts().isEmpty() && labelledPortCount < config.portsPerDirection()) {
            labelledPorts.set(serverPort);
            labelledPortCount++;
            return serverPort;
        }
        return PORT_OTHER;
    }

    /** Removes label sets unused for the idle timeout; {@code nowNs} also stamps later uses. */
    void expire(long nowNs) {
        tick = nowNs;
        long idle = config.idleTimeout().toNanos();
        for (Iterator<Entry<S>> it = sets.values().iterator(); it.hasNext(); ) {
            Entry<S> entry = it.next();
            if (nowNs - entry.lastUsed > idle) {
                it.remove();
                factory.remove(entry.series);
                if (entry.kind == ADDRESS) {
                    addresses--;
                } else if (entry.kind == PREFIX) {
                    prefixes--;
                }
                expired++;
            }
        }
        size = sets.size();
    }

    /** Label sets alive now. */
    int size() {
        return size;
    }

    /** Observations whose address was labelled with its prefix because the address budget was spent. */
    long foldedToPrefix() {
        return foldedToPrefix;
    }

    /** Observations labelled {@code other} because both budgets were spent. */
    long foldedToOther() {
        return foldedToOther;
    }

    long expired() {
        return expired;
    }

    private static final class Entry<S> {
        final S series;
        final byte kind;
        long lastUsed;

        Entry(S series, byte kind) {
            this.series = series;
            this.kind = kind;
        }
    }

    /** What identifies a label set; mutable so lookups can reuse one instance. */
    private static final class Key {
        byte kind;
        int family;
        long hi;
        long lo;
        int port;

        Key set(byte kind, int family, long hi, long lo, int port) {
            this.kind = kind;
            this.family = family;
            this.hi = hi;
            this.lo = lo;
            this.port = port;
            return this;
        }

        Key copy() {
            return new Key().set(kind, family, hi, lo, port);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.kind == kind && k.family == family && k.hi == hi && k.lo == lo
                    && k.port == port;
        }

        @Override
        public int hashCode() {
            long h = (hi * 31 + lo) * 31 + port;
            return (int) (h ^ (h >>> 32)) * 31 + kind * 7 + family;
        }
    }
}
