package dev.tcplat.exporter.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How per-peer series are labelled and bounded, and how latency histograms are kept: the
 * {@code peers}, {@code ports} and {@code histograms} sections of the config file, validated once.
 *
 * <p>A peer address gets, in this order: the name of the first {@link PeerGroup} containing it;
 * its own address, while the direction has fewer than {@link #addressesPerDirection} of those;
 * its prefix ({@link #ipv4PrefixLength}, {@link #ipv6PrefixLength}), while it has fewer than
 * {@link #prefixesPerDirection}; else {@code other}. So the label sets of a direction never exceed
 * {@link #labelSetsPerDirection()}, and the series of the whole exporter {@link #maxSeries()}.
 */
public record MetricsConfig(
        List<PeerGroup> groups,
        int addressesPerDirection,
        int prefixesPerDirection,
        int ipv4PrefixLength,
        int ipv6PrefixLength,
        Duration idleTimeout,
        boolean portLabel,
        List<Integer> listedPorts,
        int portsPerDirection,
        List<Double> rttBuckets,
        boolean nativeHistograms) {

    /** 50 µs (same host, veth) to 10 s (a SYN retransmitted several times), in seconds. */
    public static final List<Double> DEFAULT_RTT_BUCKETS = List.of(
            0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    /** Connect durations include SYN retransmission timeouts (1 s, 3 s, 7 s, ... after the first SYN). */
    public static final List<Double> CONNECT_BUCKETS = List.of(
            0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0);
    /** Label value of addresses beyond every budget, and of ports beyond theirs. */
    public static final String OTHER = "other";

    /**
     * Sized so the whole exporter stays under about 50 000 series on any traffic: (250 + 150 + 1)
     * label sets a direction at 106 series for an outbound and an inbound label set together is
     * 42 506, plus the exporter's own and the JVM's few hundred.
     */
    public static final MetricsConfig DEFAULTS = new MetricsConfig(List.of(), 250, 150, 24, 48, Duration.ofMinutes(15),
            false, List.of(), 10, DEFAULT_RTT_BUCKETS, false);

    public MetricsConfig {
        groups = List.copyOf(groups);
        listedPorts = List.copyOf(listedPorts);
        rttBuckets = List.copyOf(rttBuckets);
        Set<String> names = new HashSet<>();
        for (PeerGroup group : groups) {
            if (group.name() == null || group.name().isBlank()) {
                throw new IllegalArgumentException("peers.groups: every group needs a name");
            }
            if (group.name().equals(OTHER) || group.name().contains(":") || group.name().matches("[0-9]+(\\.[0-9]+){3}(/[0-9]+)?")) {
                throw new IllegalArgumentException("peers.groups: the name '" + group.name()
                        + "' could be mistaken for an address or for 'other'; choose another");
            }
            if (!names.add(group.name())) {
                throw new IllegalArgumentException("peers.groups: the name '" + group.name() + "' is used twice");
            }
            if (group.cidrs().isEmpty()) {
                throw new IllegalArgumentException("peers.groups: group '" + group.name() + "' has no cidrs");
            }
        }
        atLeast("peers.addresses_per_direction", addressesPerDirection, 0);
        atLeast("peers.prefixes_per_direction", prefixesPerDirection, 0);
        within("peers.ipv4_prefix_length", ipv4PrefixLength, 1, 32);
        within("peers.ipv6_prefix_length", ipv6PrefixLength, 1, 128);
        // Shorter than a few scrape intervals makes series flap; a second is the floor (tests use it).
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("peers.idle_timeout must be at least 1s, and should be several scrape"
                    + " intervals; got " + DurationParser.format(idleTimeout));
        }
        for (int port : listedPorts) {
            within("ports.listed", port, 1, 65535);
        }
        if (new HashSet<>(listedPorts).size() != listedPorts.size()) {
            throw new IllegalArgumentException("ports.listed names a port twice");
        }
        atLeast("ports.per_direction", portsPerDirection, 0);
        if (rttBuckets.isEmpty()) {
            throw new IllegalArgumentException("histograms.rtt_buckets must not be empty");
        }
        for (int i = 0; i < rttBuckets.size(); i++) {
            double bound = rttBuckets.get(i);
            if (!(bound > 0) || Double.isInfinite(bound) || (i > 0 && bound <= rttBuckets.get(i - 1))) {
                throw new IllegalArgumentException("histograms.rtt_buckets must be positive, finite and increasing"
                        + " (seconds), got " + rttBuckets);
            }
        }
    }

    /** The most label sets one direction can hold: groups, addresses, prefixes and other, times ports. */
    public long labelSetsPerDirection() {
        long peers = groups.size() + (long) addressesPerDirection + prefixesPerDirection + 1;
        return peers * portValues();
    }

    /** Values the port label can take: each listed port or the budget, and other; 1 when off. */
    public int portValues() {
        if (!portLabel) {
            return 1;
        }
        return (listedPorts.isEmpty() ? portsPerDirection : listedPorts.size()) + 1;
    }

    /**
     * The most per-peer series the exporter can expose in classic form. A classic histogram with
     * B buckets is B + 3 series (the buckets, +Inf, _count, _sum). An outbound label set has the
     * RTT and connect histograms, two retransmit counters and two failure reasons; an inbound one
     * also the SYN → SYN-ACK turnaround histogram.
     */
    public long maxSeries() {
        long rtt = rttBuckets.size() + 3L;
        long connect = CONNECT_BUCKETS.size() + 3L;
        long outbound = rtt + connect + 2 + 2;
        long inbound = outbound + rtt;
        return labelSetsPerDirection() * (outbound + inbound);
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
    }

    private static void within(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", got " + value);
        }
    }
}
