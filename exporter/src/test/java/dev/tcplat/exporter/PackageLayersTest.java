package dev.tcplat.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages form layers that read as the data path: each may use only the packages listed for
 * it in {@link #ALLOWED}, the graph has no cycle, and nothing uses the root package (Main, Flags,
 * Exporter wire everything together). A new package must be placed here before it compiles into a
 * passing build. The README's "Code layout" section describes the same table.
 */
class PackageLayersTest {
    /** Package to the packages of ours it may refer to; the root package may refer to all. */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "lifecycle", Set.of(),
            "match", Set.of(),
            "bpf", Set.of(),
            "iface", Set.of("bpf", "lifecycle"),
            "pipeline", Set.of("bpf", "match", "lifecycle"),
            "config", Set.of("bpf", "iface", "match"),
            "metrics", Set.of("match", "pipeline", "iface", "bpf", "config"),
            "web", Set.of("config", "lifecycle"),
            "preflight", Set.of("bpf", "iface", "config"));

    private static final Path MAIN_SOURCES = Path.of("src", "main", "java", "dev", "tcplat", "exporter");

    @TempDir
    Path planted;

    /** Each reference a package of {@code scanned} makes that the table does not allow. */
    static List<PackageDependencies.Edge> forbidden(PackageDependencies scanned) {
        return scanned.edges().stream()
                .filter(e -> !e.from().equals(PackageDependencies.ROOT))
                .filter(e -> !ALLOWED.getOrDefault(e.from(), Set.of()).contains(e.to()))
                .toList();
    }

    @Test
    void everyPackageHasItsPlaceInTheLayers() {
        PackageDependencies scanned = PackageDependencies.scan(MAIN_SOURCES);
        assertThat(scanned.packages()).as("packages of src/main/java")
                .contains(PackageDependencies.ROOT, "bpf", "config", "match", "metrics", "pipeline", "web");
        Set<String> placed = new java.util.TreeSet<>(ALLOWED.keySet());
        placed.add(PackageDependencies.ROOT);
        assertThat(placed).as("packages in the layer table").containsAll(scanned.packages());
    }

    @Test
    void everyReferenceFollowsTheLayers() {
        PackageDependencies scanned = PackageDependencies.scan(MAIN_SOURCES);
        assertThat(scanned.edges()).as("references between packages were found at all").isNotEmpty();
        assertThat(forbidden(scanned)).as("references the layers do not allow").isEmpty();
    }

    @Test
    void packagesFormNoCycle() {
        assertThat(PackageDependencies.cycle(PackageDependencies.scan(MAIN_SOURCES).graph())).isEmpty();
    }

    @Test
    void theTableItselfHasNoCycleAndNoUseOfTheRoot() {
        Map<String, Set<String>> table = new TreeMap<>(ALLOWED);
        assertThat(PackageDependencies.cycle(table)).isEmpty();
        assertThat(ALLOWED.values()).noneMatch(uses -> uses.contains(PackageDependencies.ROOT));
        assertThat(ALLOWED.values()).allSatisfy(uses -> assertThat(ALLOWED.keySet()).containsAll(uses));
    }

    /** The checks above can fail: a tree with a forbidden import, a qualified name and a cycle. */
    @Test
    void plantedViolationsAreFound() throws IOException {
        write("config/Settings.java", "package dev.tcplat.exporter.config;\n"
                + "import dev.tcplat.exporter.web.MetricsServer;\n");
        write("web/Server.java", "package dev.tcplat.exporter.web;\n"
                + "class Server { dev.tcplat.exporter.config.Settings settings; }\n");
        write("match/Table.java", "package dev.tcplat.exporter.match;\n"
                + "import static dev.tcplat.exporter.Flags.DEFAULT;\n");
        write("Flags.java", "package dev.tcplat.exporter;\nimport dev.tcplat.exporter.match.Table;\n");

        PackageDependencies scanned = PackageDependencies.scan(planted);

        assertThat(forbidden(scanned)).extracting(Object::toString)
                .containsExactlyInAnyOrder("config -> web (Settings.java:2)", "match -> (root) (Table.java:2)");
        assertThat(PackageDependencies.cycle(scanned.graph())).containsAnyOf("config", "match")
                .satisfies(cycle -> assertThat(cycle.get(0)).isEqualTo(cycle.get(cycle.size() - 1)));
    }

    private void write(String relative, String text) throws IOException {
        Path file = planted.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
