package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Names, patterns, {@code all} and exclusions, against one namespace holding loopback, five veths
 * that are up ({@code tcplat-c}, {@code sel-a0}, {@code sel-a1}, {@code sel-b0}, {@code wan0}) and
 * one that is down ({@code sel-d0}). What the exporter reports attached must be exactly what the
 * kernel holds TCX programs for.
 */
class InterfaceSelectionIT {
    private static final List<String> ALL_DEVICES =
            List.of("lo", "tcplat-c", "sel-a0", "sel-a1", "sel-b0", "wan0", "sel-d0");
    private static VethPair base;

    @BeforeAll
    static void createInterfaces() {
        base = VethPair.create();
        for (String name : List.of("sel-a0", "sel-a1", "sel-b0", "wan0", "sel-d0")) {
            VethPair.addTo(base, name, name + "p");
        }
        base.client().ip("link", "set", "sel-d0", "down");
    }

    @AfterAll
    static void deleteInterfaces() {
        base.close(); // takes the added pairs with its namespaces
    }

    @Test
    void allIsEveryUpInterfaceButLoopbackMinusExclusions() throws Exception {
        assertSelects(Set.of("tcplat-c", "sel-a0", "sel-b0", "wan0"),
                "--interface", "all", "--interface.exclude", "sel-a1");
    }

    @Test
    void patternsMatchUpAndDownInterfacesButNotLoopback() throws Exception {
        assertSelects(Set.of("sel-a0", "sel-a1", "sel-b0", "sel-d0"), "--interface", "sel-*,l*");
    }

    @Test
    void namesPatternsAndExclusionsCombine() throws Exception {
        assertSelects(Set.of("lo", "wan0", "sel-b0"),
                "-i", "lo", "-i", "wan0", "-i", "sel-?0", "--interface.exclude", "sel-a*,sel-d*");
    }

    private static void assertSelects(Set<String> expected, String... args) throws Exception {
        NetworkNamespace ns = base.client();
        try (ExporterProcess exporter = ExporterProcess.start(ns, args)) {
            Await.until(() -> AttachedInterfaces.reported(exporter).equals(expected),
                    Duration.ofSeconds(5), exporter::log);
            Set<String> inKernel = new TreeSet<>();
            for (String dev : ALL_DEVICES) {
                if (AttachedInterfaces.tcxOnBothHooks(ns, dev)) {
                    inKernel.add(dev);
                } else {
                    assertThat(AttachedInterfaces.tcxEmpty(ns, dev)).as(dev + "\n" + exporter.log()).isTrue();
                }
            }
            assertThat(inKernel).as(exporter::log).isEqualTo(expected);
            assertThat(exporter.stop()).as(exporter::log).isZero();
        }
        for (String dev : ALL_DEVICES) {
            assertThat(AttachedInterfaces.tcxEmpty(ns, dev)).as(dev).isTrue();
        }
    }
}
