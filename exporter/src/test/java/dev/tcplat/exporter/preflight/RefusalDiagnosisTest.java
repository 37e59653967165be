package dev.tcplat.exporter.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.ProbeException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The diagnosis of an EPERM while the capabilities are held, on /proc text as each confinement leaves it. */
class RefusalDiagnosisTest {
    private static final int EINVAL = 22;
    private static final int EACCES = 13;
    private static final String INITIAL_UID_MAP = "         0          0 4294967295\n";
    /** CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN, as the DaemonSet and the unit grant them. */
    private static final String THREE_CAPS = "000000c000001000";
    private static final ProbeException LOAD_REFUSED = new ProbeException("cannot load the BPF program: loading the"
            + " BPF program was refused (EPERM): it needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (or root)", 1);

    private static String status(String capEff, int seccompMode, int filters) {
        return "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t" + capEff + "\nNoNewPrivs:\t1\nSeccomp:\t" + seccompMode
                + "\nSeccomp_filters:\t" + filters + "\n";
    }

    private static ProcessFacts facts(String status, String uidMap, int bpfErrno) {
        return new ProcessFacts(status, uidMap, Optional.of("2"), Optional.empty(), Optional.empty(), bpfErrno);
    }

    @Test
    void aContainerRuntimesDefaultProfileIsNamedWithItsFix() {
        // podman/containerd: one filter, and bpf(2) answers EPERM before the kernel looks at it
        String line = Preflight.explainRefusal(LOAD_REFUSED,
                facts(status(THREE_CAPS, 2, 1), INITIAL_UID_MAP, RefusalDiagnosis.EPERM)).orElseThrow();
        assertThat(line).startsWith("cannot load the BPF program: refused (EPERM) although CAP_BPF, CAP_NET_ADMIN"
                        + " and CAP_PERFMON are held: a seccomp filter refuses the bpf system call")
                .contains("Seccomp: 2, 1 filter(s)").contains("Localhost seccompProfile")
                .contains("SystemCallFilter=bpf").contains("--system-call-filter=bpf")
                .doesNotContain("it needs CAP_BPF").doesNotContain("\n");
    }

    @Test
    void aFilterAnsweringEnosysIsASeccompFilterToo() {
        assertThat(RefusalDiagnosis.explain(facts(status(THREE_CAPS, 2, 3), INITIAL_UID_MAP, RefusalDiagnosis.ENOSYS)))
                .startsWith("a seccomp filter refuses the bpf system call").contains("3 filter(s)");
    }

    @Test
    void aUserNamespaceIsNamedWithItsMapAndTheSysctl() {
        String line = RefusalDiagnosis.explain(facts(status("000001ffffffffff", 0, 0), "0 0 1\n", EINVAL));
        assertThat(line).startsWith("this process runs in a user namespace (uid_map '0 0 1')")
                .contains("kernel.unprivileged_bpf_disabled=2").contains("hostUsers: true");
    }

    @Test
    void theSysctlIsLeftOutWhereItAllowsUnprivilegedBpf() {
        ProcessFacts facts = new ProcessFacts(status(THREE_CAPS, 0, 0), "0 100000 65536", Optional.of("0"),
                Optional.empty(), Optional.empty(), EINVAL);
        assertThat(RefusalDiagnosis.explain(facts)).contains("uid_map '0 100000 65536'")
                .doesNotContain("unprivileged_bpf_disabled");
    }

    @Test
    void aSecurityModuleRefusingBpfOutrightIsNamedWithTheActiveModules() {
        ProcessFacts facts = new ProcessFacts(status(THREE_CAPS, 0, 0), INITIAL_UID_MAP, Optional.of("2"),
                Optional.of("lockdown,capability,landlock,yama,apparmor,bpf"), Optional.of("unconfined"),
                RefusalDiagnosis.EPERM);
        assertThat(RefusalDiagnosis.explain(facts))
                .startsWith("a security module refuses the bpf system call (active: lockdown,capability,landlock,"
                        + "yama,apparmor,bpf)")
                .doesNotContain("label").contains("audit log");
    }

    @Test
    void aConfiningLabelIsNamedEvenWhenBpfItselfGetsThrough() {
        ProcessFacts facts = new ProcessFacts(status(THREE_CAPS, 0, 0), INITIAL_UID_MAP, Optional.empty(),
                Optional.empty(), Optional.of("cri-containerd.apparmor.d (enforce)"), EINVAL);
        assertThat(RefusalDiagnosis.explain(facts))
                .startsWith("a security module may deny the capabilities (this process' label:"
                        + " cri-containerd.apparmor.d (enforce))");
    }

    @Test
    void aFilterThatLetsBpfThroughIsSuspectedOfAnotherCall() {
        // the shipped unit's own filter: bpf allowed, so bpf(2) reaches the kernel and says EINVAL
        assertThat(RefusalDiagnosis.explain(facts(status(THREE_CAPS, 2, 1), INITIAL_UID_MAP, EINVAL)))
                .startsWith("a seccomp filter is in force (Seccomp: 2) and lets bpf(2) through");
    }

    @Test
    void nothingInSightSaysSoAndPointsAtTheLogs() {
        ProcessFacts facts = new ProcessFacts(status(THREE_CAPS, 0, 0), INITIAL_UID_MAP, Optional.empty(),
                Optional.empty(), Optional.of("unconfined"), EINVAL);
        assertThat(RefusalDiagnosis.explain(facts)).startsWith("no seccomp filter, user namespace or confining"
                + " security label is in sight").contains("journalctl -k");
    }

    @Test
    void aMissingCapabilityKeepsTheProbesOwnMessage() {
        String onlyNetAdmin = status("0000000000001000", 2, 1);
        assertThat(Preflight.explainRefusal(LOAD_REFUSED, facts(onlyNetAdmin, INITIAL_UID_MAP, RefusalDiagnosis.EPERM)))
                .isEmpty();
    }

    @Test
    void otherErrorsKeepTheProbesOwnMessage() {
        ProbeException verifier = new ProbeException("cannot load the BPF program: the verifier rejected it", EACCES);
        assertThat(Preflight.explainRefusal(verifier,
                facts(status(THREE_CAPS, 2, 1), INITIAL_UID_MAP, RefusalDiagnosis.EPERM))).isEmpty();
    }

    @Test
    void anAttachKeepsTheInterfaceItWasFor() {
        ProbeException attach = new ProbeException("cannot attach to interface eth0: attaching to eth0 was refused"
                + " (EPERM): it needs CAP_NET_ADMIN and CAP_BPF (or root)", 1);
        assertThat(Preflight.explainRefusal(attach, facts(status(THREE_CAPS, 0, 0), "0 0 1", EINVAL)).orElseThrow())
                .startsWith("cannot attach to interface eth0: refused (EPERM) although");
    }

    @Test
    void thisProcessReachesTheKernelsBpfCode() {
        // The build runs unconfined as root: the call that does nothing gets as far as the command switch.
        assertThat(ProcessFacts.ofThisProcess().bpfSyscallErrno()).isEqualTo(EINVAL);
    }
}
