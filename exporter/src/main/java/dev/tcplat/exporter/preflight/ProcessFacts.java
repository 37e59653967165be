package dev.tcplat.exporter.preflight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this process can cheaply learn about what confines it, as text, so that
 * {@link RefusalDiagnosis} stays a pure function of it (and its tests feed it fixtures).
 *
 * @param status the text of /proc/self/status ({@code CapEff}, {@code Seccomp}, {@code Seccomp_filters})
 * @param uidMap the text of /proc/self/uid_map
 * @param unprivilegedBpfDisabled kernel.unprivileged_bpf_disabled, or empty where unreadable
 * @param lsms the active security modules (/sys/kernel/security/lsm), or empty where securityfs is not mounted
 * @param label this process' security label (/proc/self/attr/current), or empty where none is kept
 * @param bpfSyscallErrno what bpf(2) answers a command that does not exist ({@link BpfSyscall})
 */
record ProcessFacts(String status, String uidMap, Optional<String> unprivilegedBpfDisabled, Optional<String> lsms,
        Optional<String> label, int bpfSyscallErrno) {

    static ProcessFacts ofThisProcess() {
        return new ProcessFacts(
                readOr(Path.of("/proc/self/status"), ""),
                readOr(Path.of("/proc/self/uid_map"), ""),
                read(Path.of("/proc/sys/kernel/unprivileged_bpf_disabled")),
                read(Path.of("/sys/kernel/security/lsm")),
                // Reading the label fails with EINVAL when no LSM keeps one; AppArmor has its own file too.
                read(Path.of("/proc/self/attr/apparmor/current")).or(() -> read(Path.of("/proc/self/attr/current"))),
                BpfSyscall.errnoOfNoSuchCommand());
    }

    private static String readOr(Path path, String fallback) {
        return read(path).orElse(fallback);
    }

    private static Optional<String> read(Path path) {
        try {
            String text = Files.readString(path).replace("\0", "").strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
