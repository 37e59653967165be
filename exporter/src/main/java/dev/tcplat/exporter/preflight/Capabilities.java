package dev.tcplat.exporter.preflight;

import java.util.ArrayList;
import java.util.List;

/**
 * The capabilities the exporter needs, checked against the process' effective set (the
 * {@code CapEff} line of {@code /proc/self/status}) so that a missing one is named before the
 * kernel refuses with a bare EPERM.
 */
final class Capabilities {
    /** Bit numbers from linux/capability.h. */
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    /** What a systemd unit needs to grant them all. */
    static final String SYSTEMD_FIX = "AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON";

    private Capabilities() {}

    /** The CapEff bit mask in {@code statusText} (the text of /proc/PID/status). */
    static long effective(String statusText) {
        return hexField(statusText, "CapEff:");
    }

    /** The real user id in {@code statusText}, or -1 if absent. */
    static long uid(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static long hexField(String statusText, String field) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseUnsignedLong(line.substring(field.length()).strip(), 16);
            }
        }
        throw new IllegalArgumentException("no " + field + " line");
    }

    /**
     * The names of the needed capabilities {@code effective} lacks, in the order they matter.
     * CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as the kernel accepts it for both.
     */
    static List<String> missing(long effective) {
        boolean sysAdmin = has(effective, CAP_SYS_ADMIN);
        List<String> missing = new ArrayList<>();
        if (!has(effective, CAP_BPF) && !sysAdmin) {
            missing.add("CAP_BPF");
        }
        if (!has(effective, CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        if (!has(effective, CAP_PERFMON) && !sysAdmin) {
            missing.add("CAP_PERFMON");
        }
        return missing;
    }

    private static boolean has(long effective, int cap) {
        return (effective & (1L << cap)) != 0;
    }
}
