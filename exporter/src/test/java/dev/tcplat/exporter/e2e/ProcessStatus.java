package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Who a running process is, from {@code /proc/PID/status}: its uid and capability sets. */
record ProcessStatus(int uid, Set<String> effectiveCapabilities, Set<String> boundingCapabilities) {
    /** Capability numbers (linux/capability.h) of the names the tests use. */
    private static final Map<Integer, String> NAMES = Map.of(12, "net_admin", 21, "sys_admin", 38, "perfmon",
            39, "bpf", 0, "chown", 1, "dac_override", 13, "net_raw");

    static ProcessStatus of(long pid) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        int uid = Integer.parseInt(field(lines, "Uid").split("\\s+")[1]); // real, effective, saved, fs
        return new ProcessStatus(uid, names(field(lines, "CapEff")), names(field(lines, "CapBnd")));
    }

    private static String field(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + ":")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " in status"))
                .substring(name.length() + 1).strip();
    }

    private static Set<String> names(String hex) {
        long mask = Long.parseUnsignedLong(hex, 16);
        Set<String> names = new TreeSet<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(NAMES.getOrDefault(bit, "cap" + bit));
            }
        }
        return names;
    }
}
