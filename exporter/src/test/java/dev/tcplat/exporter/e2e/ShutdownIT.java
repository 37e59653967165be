package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.e2e.Attachments.Hook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM is the orderly stop: the exporter exits 0 and leaves nothing attached to the interface
 * it watched, whichever way it attached.
 */
class ShutdownIT {
    @Test
    void sigtermExitsZeroAndRemovesTheTcxLinks() throws Exception {
        try (VethPair veth = VethPair.create()) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            List<Integer> programs = new ArrayList<>();
            List<Integer> links = new ArrayList<>();
            try (ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev)) {
                for (Hook hook : Hook.values()) {
                    Attachments.Tcx tcx = Attachments.tcx(ns, dev, hook);
                    assertThat(tcx.programIds()).as(hook + " programs\n" + exporter.log()).hasSize(1);
                    assertThat(tcx.linkIds()).as(hook + " links\n" + exporter.log()).hasSize(1);
                    programs.addAll(tcx.programIds());
                    links.addAll(tcx.linkIds());
                }
                // Link and program ids are global, so bpftool's system-wide lists can be checked
                // for exactly these, even with other namespaces running their own tcplat.
                assertThat(Attachments.bpfLinkIds()).containsAll(links);

                assertThat(exporter.stop()).as(exporter::log).isZero();
                assertThat(exporter.stderrText()).contains("detached from " + dev);
            }

            for (Hook hook : Hook.values()) {
                assertThat(Attachments.tcx(ns, dev, hook).isEmpty()).as("TCX " + hook + " of " + dev).isTrue();
                assertThat(Attachments.tcFilters(ns, dev, hook)).isEmpty();
            }
            assertThat(Attachments.hasClsact(ns, dev)).isFalse();
            assertThat(Attachments.bpfLinkIds()).doesNotContainAnyElementsOf(links);
            // Programs are freed once their last reference is gone, which the kernel finishes
            // asynchronously (RCU), so give it a moment.
            Await.until(() -> Attachments.bpfProgramIds().stream().noneMatch(programs::contains),
                    Duration.ofSeconds(5), () -> "programs " + programs + " still loaded");
            assertNamespaceHasNoProcesses(ns);
        }
    }

    @Test
    void sigtermExitsZeroAndRemovesTheLegacyFiltersAndItsQdisc() throws Exception {
        try (VethPair veth = VethPair.create()) {
            NetworkNamespace ns = veth.client();
            String dev = veth.clientInterface();
            assertThat(Attachments.hasClsact(ns, dev)).isFalse();
            try (ExporterProcess exporter = ExporterProcess.start(ns, "--interface", dev, "--attach-mode", "tc")) {
                assertThat(Attachments.hasClsact(ns, dev)).isTrue();
                for (Hook hook : Hook.values()) {
                    assertThat(Attachments.tcFilters(ns, dev, hook)).as(hook + "\n" + exporter.log())
                            .contains(" bpf ", "direct-action");
                    assertThat(Attachments.tcx(ns, dev, hook).isEmpty()).isTrue();
                }

                assertThat(exporter.stop()).as(exporter::log).isZero();
            }

            for (Hook hook : Hook.values()) {
                assertThat(Attachments.tcFilters(ns, dev, hook)).as(hook + " filters of " + dev).isEmpty();
            }
            // The exporter created the clsact qdisc, so it removes it too.
            assertThat(Attachments.qdiscs(ns, dev)).doesNotContain("clsact");
            assertNamespaceHasNoProcesses(ns);
        }
    }

    private static void assertNamespaceHasNoProcesses(NetworkNamespace ns) {
        assertThat(Command.run("ip", "netns", "pids", ns.name()).check().stdout().strip())
                .as("processes left in " + ns).isEmpty();
    }
}
