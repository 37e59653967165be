package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad file per rule, each rejected with one line naming the key; and the good ones. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("tcplat-exporter.yml"), yaml);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("peers:\n  adresses_per_direction: 10\n", "unknown key 'peers.adresses_per_direction' (line 2)"),
                Arguments.of("peer:\n  groups: []\n", "unknown key 'peer' (line 1)"),
                Arguments.of("peers:\n  addresses_per_direction: many\n", "'peers.addresses_per_direction' has the wrong type (line 2)"),
                Arguments.of("peers:\n  addresses_per_direction: 1.5\n", "'peers.addresses_per_direction' has the wrong type"),
                Arguments.of("peers:\n  groups: db\n", "'peers.groups' has the wrong type"),
                Arguments.of("peers:\n  ipv4_prefix_length: 8\n  ipv4_prefix_length: 16\n", "is not valid YAML (line 3)"),
                Arguments.of("peers:\n  idle_timeout: 'unterminated\n", "is not valid YAML"),
                Arguments.of("peers: [1, 2]\n", "'peers' has the wrong type (line 1)"),
                Arguments.of("peers:\n  groups:\n    - name: db\n      cidrs: [10.0.0.0/33]\n",
                        "peers.groups 'db': '10.0.0.0/33': the prefix length must be 0..32"),
                Arguments.of("peers:\n  groups:\n    - name: db\n      cidrs: [10.0.0.1/8]\n",
                        "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"),
                Arguments.of("peers:\n  groups:\n    - name: db\n      cidrs: [db.example.com/24]\n",
                        "'db.example.com' is not an IP address"),
                Arguments.of("peers:\n  groups:\n    - name: db\n      cidrs: [10.0.0.0]\n",
                        "'10.0.0.0' is not a CIDR block (ADDRESS/LENGTH)"),
                Arguments.of("peers:\n  groups:\n    - name: db\n", "group 'db' has no cidrs"),
                Arguments.of("peers:\n  groups:\n    - cidrs: [10.0.0.0/8]\n", "every group needs a name"),
                Arguments.of("peers:\n  groups:\n    - name: other\n      cidrs: [10.0.0.0/8]\n",
                        "the name 'other' could be mistaken"),
                Arguments.of("peers:\n  groups:\n    - name: a\n      cidrs: [10.0.0.0/8]\n    - name: a\n      cidrs: [11.0.0.0/8]\n",
                        "the name 'a' is used twice"),
                Arguments.of("peers:\n  addresses_per_direction: -1\n", "peers.addresses_per_direction must be at least 0"),
                Arguments.of("peers:\n  prefixes_per_direction: -1\n", "peers.prefixes_per_direction must be at least 0"),
                Arguments.of("peers:\n  ipv4_prefix_length: 0\n", "peers.ipv4_prefix_length must be within 1..32"),
                Arguments.of("peers:\n  ipv6_prefix_length: 129\n", "peers.ipv6_prefix_length must be within 1..128"),
                Arguments.of("peers:\n  idle_timeout: 500ms\n", "peers.idle_timeout must be at least 1s"),
                Arguments.of("peers:\n  idle_timeout: 500ms\n", "several scrape intervals; got 500ms"),
                Arguments.of("peers:\n  idle_timeout: 9999999h\n", "peers.idle_timeout: '9999999h' is too long"),
                Arguments.of("peers:\n  idle_timeout: soon\n", "peers.idle_timeout: 'soon' is not a duration"),
                Arguments.of("ports:\n  listed: [0]\n", "ports.listed must be within 1..65535"),
                Arguments.of("ports:\n  listed: [443, 443]\n", "ports.listed names a port twice"),
                Arguments.of("ports:\n  per_direction: -2\n", "ports.per_direction must be at least 0"),
                Arguments.of("histograms:\n  rtt_buckets: [0.1, 0.01]\n", "histograms.rtt_buckets must be positive"),
                Arguments.of("histograms:\n  rtt_buckets: []\n", "histograms.rtt_buckets must not be empty"),
                Arguments.of("histograms:\n  native: maybe\n", "'histograms.native' has the wrong type"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFileIsOneLineNamingTheKey(String yaml, String expected) throws IOException {
        Path file = write(yaml);
        assertThatThrownBy(() -> ConfigFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("absent.yml");
        assertThatThrownBy(() -> ConfigFile.load(file)).hasMessage(file + " does not exist");
    }

    @Test
    void emptyFileMeansDefaults() throws IOException {
        assertThat(ConfigFile.load(write(""))).isEqualTo(MetricsConfig.DEFAULTS);
        assertThat(ConfigFile.load(write("# nothing set\n"))).isEqualTo(MetricsConfig.DEFAULTS);
    }

    @Test
    void everyKeyIsBound() throws IOException {
        MetricsConfig config = ConfigFile.load(write("""
                peers:
                  groups:
                    - name: databases
                      cidrs: [10.20.0.0/16, "fd00:20::/32"]
                  addresses_per_direction: 100
                  prefixes_per_direction: 50
                  ipv4_prefix_length: 20
                  ipv6_prefix_length: 56
                  idle_timeout: 30m
                ports:
                  label: true
                  listed: [443, 5432]
                  per_direction: 4
                histograms:
                  rtt_buckets: [0.001, 0.01, 0.1]
                  native: true
                """));
        assertThat(config.groups()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("databases");
            assertThat(g.cidrs()).extracting(Cidr::text).containsExactly("10.20.0.0/16", "fd00:20::/32");
        });
        assertThat(config.addressesPerDirection()).isEqualTo(100);
        assertThat(config.prefixesPerDirection()).isEqualTo(50);
        assertThat(config.ipv4PrefixLength()).isEqualTo(20);
        assertThat(config.ipv6PrefixLength()).isEqualTo(56);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.portLabel()).isTrue();
        assertThat(config.listedPorts()).containsExactly(443, 5432);
        assertThat(config.portsPerDirection()).isEqualTo(4);
        assertThat(config.rttBuckets()).containsExactly(0.001, 0.01, 0.1);
        assertThat(config.nativeHistograms()).isTrue();
    }

    @Test
    void shippedExampleIsValidAndTheDefaults() {
        Path example = Path.of("..", "deploy", "config", "tcplat-exporter.yml");
        MetricsConfig config = ConfigFile.load(example);
        assertThat(config.addressesPerDirection()).isEqualTo(MetricsConfig.DEFAULTS.addressesPerDirection());
        assertThat(config.maxSeries()).isEqualTo(MetricsConfig.DEFAULTS.maxSeries());
    }

    @Test
    void defaultBudgetKeepsTheExporterUnderFiftyThousandSeries() {
        // (250 addresses + 150 prefixes + other) × (43 outbound + 63 inbound series)
        assertThat(MetricsConfig.DEFAULTS.labelSetsPerDirection()).isEqualTo(401);
        assertThat(MetricsConfig.DEFAULTS.maxSeries()).isEqualTo(42_506);
        MetricsConfig withPorts = new MetricsConfig(List.of(), 20, 10, 24, 48, Duration.ofMinutes(15), true,
                List.of(443, 5432, 6379), 0, MetricsConfig.DEFAULT_RTT_BUCKETS, false);
        assertThat(withPorts.labelSetsPerDirection()).isEqualTo((20 + 10 + 1) * 4);
    }
}
