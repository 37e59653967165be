package dev.tcplat.exporter.e2e;

import dev.tcplat.exporter.e2e.Attachments.Hook;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which interfaces an exporter is attached to, seen both ways: as it reports them
 * ({@code tcplat_interface_attached}) and as the kernel holds them (TCX programs per hook).
 */
final class AttachedInterfaces {
    static final String METRIC = "tcplat_interface_attached";

    private AttachedInterfaces() {}

    /** Interfaces reported with value 1. */
    static Set<String> reported(ExporterProcess exporter) throws Exception {
        Set<String> names = new TreeSet<>();
        exporter.scrape().samples(METRIC).stream().filter(s -> s.value() == 1)
                .forEach(s -> names.add(s.labels().get("interface")));
        return names;
    }

    /** Interfaces reported at all, attached or not. */
    static Set<String> listed(ExporterProcess exporter) throws Exception {
        Set<String> names = new TreeSet<>();
        exporter.scrape().samples(METRIC).forEach(s -> names.add(s.labels().get("interface")));
        return names;
    }

    /** Whether {@code dev} in {@code ns} carries a TCX program on ingress and on egress. */
    static boolean tcxOnBothHooks(NetworkNamespace ns, String dev) throws Exception {
        for (Hook hook : Hook.values()) {
            if (Attachments.tcx(ns, dev, hook).programIds().size() != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code dev} in {@code ns} carries no TCX program or link on either hook. */
    static boolean tcxEmpty(NetworkNamespace ns, String dev) throws Exception {
        for (Hook hook : Hook.values()) {
            if (!Attachments.tcx(ns, dev, hook).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The interface index of {@code dev} in {@code ns}. */
    static int index(NetworkNamespace ns, String dev) {
        return Attachments.ifindex(ns, dev);
    }
}
