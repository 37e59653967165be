package dev.tcplat.exporter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the exporter's YAML config file ({@code --config.file}) into a {@link MetricsConfig}.
 * Bound strictly by {@link StrictYaml}: an unknown key, a wrong type or a duplicate key is an error
 * naming the key and its line, so a typo can not silently fall back to a default. Absent sections
 * and keys take the defaults of {@link MetricsConfig#DEFAULTS}. Example:
 * {@code deploy/config/tcplat-exporter.yml}.
 */
public final class ConfigFile {
    private ConfigFile() {}

    record Yaml(Peers peers, Ports ports, Histograms histograms) {}

    record Peers(
            List<Group> groups,
            @JsonProperty("addresses_per_direction") Integer addressesPerDirection,
            @JsonProperty("prefixes_per_direction") Integer prefixesPerDirection,
            @JsonProperty("ipv4_prefix_length") Integer ipv4PrefixLength,
            @JsonProperty("ipv6_prefix_length") Integer ipv6PrefixLength,
            @JsonProperty("idle_timeout") String idleTimeout) {}

    record Group(String name, List<String> cidrs) {}

    record Ports(Boolean label, List<Integer> listed, @JsonProperty("per_direction") Integer perDirection) {}

    record Histograms(@JsonProperty("rtt_buckets") List<Double> rttBuckets, @JsonProperty("native") Boolean nativeHistograms) {}

    private static final StrictYaml.Format FORMAT = new StrictYaml.Format("a tcplat-exporter config file", Set.of());

    /** @throws IllegalArgumentException one line: the file, the key (and line), what is wrong */
    public static MetricsConfig load(Path file) {
        return StrictYaml.load(file, Yaml.class, FORMAT,
                yaml -> toConfig(yaml.orElseGet(() -> new Yaml(null, null, null))));
    }

    private static MetricsConfig toConfig(Yaml yaml) {
        MetricsConfig d = MetricsConfig.DEFAULTS;
        Peers peers = yaml.peers() == null ? new Peers(null, null, null, null, null, null) : yaml.peers();
        Ports ports = yaml.ports() == null ? new Ports(null, null, null) : yaml.ports();
        Histograms histograms = yaml.histograms() == null ? new Histograms(null, null) : yaml.histograms();
        List<PeerGroup> groups = new ArrayList<>();
        if (peers.groups() != null) {
            for (Group group : peers.groups()) {
                List<String> cidrs = group.cidrs() == null ? List.of() : group.cidrs();
                try {
                    groups.add(new PeerGroup(group.name(), cidrs.stream().map(Cidr::parse).toList()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("peers.groups '" + group.name() + "': " + e.getMessage());
                }
            }
        }
        return new MetricsConfig(groups,
                or(peers.addressesPerDirection(), d.addressesPerDirection()),
                or(peers.prefixesPerDirection(), d.prefixesPerDirection()),
                or(peers.ipv4PrefixLength(), d.ipv4PrefixLength()),
                or(peers.ipv6PrefixLength(), d.ipv6PrefixLength()),
                peers.idleTimeout() == null ? d.idleTimeout() : duration("peers.idle_timeout", peers.idleTimeout()),
                or(ports.label(), d.portLabel()),
                or(ports.listed(), d.listedPorts()),
                or(ports.perDirection(), d.portsPerDirection()),
                or(histograms.rttBuckets(), d.rttBuckets()),
                or(histograms.nativeHistograms(), d.nativeHistograms()));
    }

    private static java.time.Duration duration(String key, String text) {
        try {
            return DurationParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static <T> T or(T value, T otherwise) {
        return value == null ? otherwise : value;
    }
}
