package dev.tcplat.exporter.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    /** Excerpt of /proc/self/status of a root shell on Linux 6.x (all 41 capabilities). */
    private static final String ROOT = "Name:\tbash\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\n"
            + "CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n";

    private static String withCapEff(long mask) {
        return "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t" + String.format("%016x", mask) + "\n";
    }

    @Test
    void rootLacksNothing() {
        assertThat(Capabilities.missing(Capabilities.effective(ROOT))).isEmpty();
        assertThat(Capabilities.uid(ROOT)).isZero();
    }

    @Test
    void anUnprivilegedUserLacksAllThree() {
        String status = withCapEff(0);
        assertThat(Capabilities.missing(Capabilities.effective(status)))
                .containsExactly("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON");
        assertThat(Capabilities.uid(status)).isEqualTo(1000);
    }

    @Test
    void eachMissingCapabilityIsNamed() {
        long bpf = 1L << Capabilities.CAP_BPF;
        long netAdmin = 1L << Capabilities.CAP_NET_ADMIN;
        long perfmon = 1L << Capabilities.CAP_PERFMON;
        assertThat(Capabilities.missing(bpf | netAdmin)).containsExactly("CAP_PERFMON");
        assertThat(Capabilities.missing(netAdmin | perfmon)).containsExactly("CAP_BPF");
        assertThat(Capabilities.missing(bpf | perfmon)).containsExactly("CAP_NET_ADMIN");
        assertThat(Capabilities.missing(bpf | perfmon | netAdmin)).isEmpty();
    }

    @Test
    void sysAdminStandsInForBpfAndPerfmonButNotNetAdmin() {
        long sysAdmin = 1L << Capabilities.CAP_SYS_ADMIN;
        assertThat(Capabilities.missing(sysAdmin)).containsExactly("CAP_NET_ADMIN");
        assertThat(Capabilities.missing(sysAdmin | 1L << Capabilities.CAP_NET_ADMIN)).isEmpty();
    }
}
