package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The exporter's own metric families — name, type, label names and help — against a golden file,
 * so a rename or a changed label is a deliberate edit of {@code golden/metric-families.txt}, seen
 * in review, never an accident that breaks dashboards and alerts. Run with
 * {@code -Dgolden.update=true} to rewrite the file after a deliberate change.
 */
class MetricFamiliesIT {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "metric-families.txt");

    @Test
    void familiesMatchTheGoldenFile() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("golden");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            // Every per-peer family gets a sample: handshakes both ways, and a refused one.
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V4), 8080, 2);
            peer.openConnections(IpFamily.V4, listener.port(), 2, Duration.ZERO);
            peer.setPolicy(SynPolicy.reset());
            TcpClient.connect(ns, peer.peerAddress(IpFamily.V4), 8080, 3000);
            Await.until(() -> exporter.scrape().value("tcplat_handshake_failures_total",
                    Map.of("direction", "outbound", "peer", peer.peerLabel(IpFamily.V4), "reason", "reset"))
                    .orElse(0) >= 1, Duration.ofSeconds(5), exporter::log);

            String families = families(exporter.scrape());
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(GOLDEN, families);
            }
            assertThat(families).as("the exporter's metric families changed; if on purpose, run with"
                    + " -Dgolden.update=true and review the diff of " + GOLDEN)
                    .isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
        }
    }

    /** One line per tcplat_ family: name, type, sorted label names (le and quantile left out), help. */
    private static String families(MetricsText metrics) {
        Map<String, String> types = new TreeMap<>();
        Map<String, String> helps = new TreeMap<>();
        for (String line : metrics.text().lines().toList()) {
            String[] parts = line.split(" ", 4);
            if (parts.length == 4 && parts[0].equals("#") && parts[2].startsWith("tcplat_")) {
                (parts[1].equals("TYPE") ? types : helps).put(parts[2], parts[3]);
            }
        }
        Map<String, TreeSet<String>> labels = new TreeMap<>();
        for (MetricsText.Sample sample : metrics.samples()) {
            String family = types.keySet().stream().filter(f -> sample.name().equals(f)
                    || sample.name().matches(java.util.regex.Pattern.quote(f) + "_(bucket|count|sum|total|info)"))
                    .findFirst().orElse(null);
            if (family != null) {
                labels.computeIfAbsent(family, f -> new TreeSet<>()).addAll(sample.labels().keySet());
            }
        }
        return types.keySet().stream().map(name -> {
            TreeSet<String> names = labels.getOrDefault(name, new TreeSet<>());
            names.remove("le");
            return name + " " + types.get(name) + " {" + String.join(",", names) + "} " + helps.get(name);
        }).collect(Collectors.joining("\n", "", "\n"));
    }
}
