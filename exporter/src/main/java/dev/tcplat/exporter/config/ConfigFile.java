package dev.tcplat.exporter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the exporter's YAML config file ({@code --config.file}) into a {@link MetricsConfig}.
 * Bound strictly: an unknown key, a wrong type or a duplicate key is an error naming the key and
 * its line, so a typo can not silently fall back to a default. Absent sections and keys take the
 * defaults of {@link MetricsConfig#DEFAULTS}. Example: {@code deploy/config/tcplat-exporter.yml}.
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

    /** @throws IllegalArgumentException one line: the file, the key (and line), what is wrong */
    public static MetricsConfig load(Path file) {
        Yaml yaml = parse(file);
        try {
            return toConfig(yaml == null ? new Yaml(null, null, null) : yaml);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static Yaml parse(Path file) {
        ObjectMapper mapper = StrictYaml.mapper().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        try {
            String text = Files.readString(file);
            // Empty, or comments only (a commented-out example): the defaults, as no keys would be.
            if (text.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
                return null;
            }
            return mapper.readValue(text, Yaml.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + " is not readable by this user");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + path(e) + "'"
                    + keyLine(file, e.getPropertyName()));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax) {
                throw new IllegalArgumentException(file + " is not valid YAML" + line(syntax) + ": "
                        + syntax.getOriginalMessage().lines().findFirst().orElse(""));
            }
            throw new IllegalArgumentException(file + ": '" + path(e) + "' has the wrong type" + line(e));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid YAML" + line(e) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " can not be read: " + e.getMessage());
        }
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

    /** The key path as written in the file: {@code peers.groups[0].cidrs}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    /**
     * The line where an unknown key is written. The YAML parser reports where it stopped reading,
     * which is past the key's value, so look the key up instead: the first line that defines it.
     */
    private static String keyLine(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            Pattern definition = Pattern.compile("^\\s*(-\\s+)?[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
            for (int i = 0; i < lines.size(); i++) {
                if (definition.matcher(lines.get(i)).find()) {
                    return " (line " + (i + 1) + ")";
                }
            }
        } catch (IOException e) {
            // the line number is a courtesy
        }
        return "";
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
