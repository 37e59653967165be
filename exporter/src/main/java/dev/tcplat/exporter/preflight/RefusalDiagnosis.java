package dev.tcplat.exporter.preflight;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why the kernel answered EPERM although the process holds CAP_BPF, CAP_NET_ADMIN and
 * CAP_PERFMON, in one line with the fix. The capabilities are then not the problem, and saying
 * they are sends the operator the wrong way; one of these is, checked from the most certain:
 *
 * <ol>
 *   <li>a seccomp filter that refuses bpf(2) outright: a container runtime's default profile
 *       (Debian 12's podman, older containerd and Docker allow bpf only with CAP_SYS_ADMIN),
 *       systemd-nspawn's own filter, a unit's SystemCallFilter. Seen when the filter is in force
 *       and even a call that does nothing is refused;</li>
 *   <li>a user namespace: bpf(2) checks the capabilities in the initial user namespace
 *       (bpf_capable), so those held inside another one do not count; there
 *       kernel.unprivileged_bpf_disabled applies too;</li>
 *   <li>a security module: its bpf hook refuses the call that does nothing, or a confining label
 *       (AppArmor, SELinux) may deny the capabilities themselves.</li>
 * </ol>
 */
final class RefusalDiagnosis {
    static final int EPERM = 1;
    static final int ENOSYS = 38;

    /** The whole uid range mapped onto itself: the initial user namespace. */
    private static final String INITIAL_UID_MAP = "0 0 4294967295";

    private RefusalDiagnosis() {}

    /** Cause and fix, for a refusal while the capabilities are held. */
    static String explain(ProcessFacts facts) {
        boolean filtered = field(facts.status(), "Seccomp:").equals("2");
        boolean bpfRefusedOutright = facts.bpfSyscallErrno() == EPERM || facts.bpfSyscallErrno() == ENOSYS;
        if (filtered && bpfRefusedOutright) {
            return "a seccomp filter refuses the bpf system call whatever the capabilities (Seccomp: 2, "
                    + field(facts.status(), "Seccomp_filters:") + " filter(s)): allow bpf in it (Kubernetes: the"
                    + " Localhost seccompProfile shipped with the DaemonSet; Docker/podman: --security-opt"
                    + " seccomp=that profile; systemd: SystemCallFilter=bpf; systemd-nspawn: --system-call-filter=bpf)";
        }
        String uidMap = facts.uidMap().strip().replaceAll("\\s+", " ");
        if (!uidMap.isEmpty() && !uidMap.equals(INITIAL_UID_MAP)) {
            String sysctl = facts.unprivilegedBpfDisabled().filter(value -> !value.equals("0"))
                    .map(value -> ", and kernel.unprivileged_bpf_disabled=" + value + " refuses bpf(2) without them")
                    .orElse("");
            return "this process runs in a user namespace (uid_map '" + uidMap + "'), where the capabilities it"
                    + " holds do not count: bpf(2) wants them in the host's initial user namespace" + sysctl
                    + "; run it there (Kubernetes: hostUsers: true; podman/Docker: rootful, without --userns)";
        }
        Optional<String> confiningLabel = facts.label().filter(RefusalDiagnosis::confines);
        if (bpfRefusedOutright || confiningLabel.isPresent()) {
            List<String> seen = new ArrayList<>();
            facts.lsms().ifPresent(lsms -> seen.add("active: " + lsms));
            confiningLabel.ifPresent(label -> seen.add("this process' label: " + label));
            String what = bpfRefusedOutright ? "refuses the bpf system call" : "may deny the capabilities";
            return "a security module " + what + (seen.isEmpty() ? "" : " (" + String.join("; ", seen) + ")")
                    + ": allow bpf and the capabilities bpf, perfmon and net_admin in its policy, or run the"
                    + " exporter unconfined; the audit log names the denial (journalctl -k, ausearch -m avc)";
        }
        if (filtered) {
            return "a seccomp filter is in force (Seccomp: 2) and lets bpf(2) through, but may refuse another call"
                    + " the exporter makes (socket(AF_NETLINK), setsockopt, mmap): compare it with the Localhost"
                    + " seccompProfile shipped with the DaemonSet";
        }
        return "no seccomp filter, user namespace or confining security label is in sight: the kernel log or the"
                + " audit log may name what refused it (journalctl -k)";
    }

    /** AppArmor's "unconfined" and SELinux's unconfined_t or spc_t types confine nothing. */
    private static boolean confines(String label) {
        return !label.contains("unconfined") && !label.contains(":spc_t:") && !label.equals("kernel");
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length()).strip();
            }
        }
        return "";
    }
}
