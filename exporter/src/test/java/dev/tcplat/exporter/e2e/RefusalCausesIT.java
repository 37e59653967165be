package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What else than missing capabilities makes the kernel refuse the probe, produced for real: the
 * exporter holds CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON each time, and must name the true cause
 * in its one line instead of asking for capabilities it has. (The container runtime's default
 * profile is {@code ContainerImageIT}'s; a refusing security module cannot be set up here, and is
 * {@code RefusalDiagnosisTest}'s alone.)
 */
class RefusalCausesIT {
    private static final String CAPABILITY_ADVICE = "it needs CAP_BPF";

    /** systemd-nspawn's own filter refuses bpf(2) unless told --system-call-filter=bpf. */
    @Test
    void aSeccompFilterThatRefusesBpfIsNamed() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("seccomp")) {
            Command.Result result = SystemdContainer.runOnce(ns, deb(), "/usr/bin/tcplat-exporter",
                    "--interface", "lo", "--web.listen-address", "127.0.0.1:10099");
            String output = result.stdout() + result.stderr();
            assertThat(result.exitCode()).as(output).isEqualTo(1);
            assertThat(output).contains("cannot load the BPF program: refused (EPERM) although CAP_BPF, CAP_NET_ADMIN"
                            + " and CAP_PERFMON are held: a seccomp filter refuses the bpf system call")
                    .contains("--system-call-filter=bpf").doesNotContain(CAPABILITY_ADVICE).doesNotContain("\tat ");
        }
    }

    /** Root of a user namespace holds every capability, none of which counts for bpf(2). */
    @Test
    void aUserNamespaceIsNamed() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("userns")) {
            ExporterProcess.Exit exit = ExporterProcess.runToExit(ns, java.util.List.of("unshare", "--user",
                    "--map-root-user"), Duration.ofSeconds(30), "--interface", "lo", "--web.listen-address",
                    "127.0.0.1:10099");
            assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
            assertThat(exit.stderr()).contains("this process runs in a user namespace (uid_map '0 0 1')")
                    .doesNotContain(CAPABILITY_ADVICE).doesNotContain("\tat ");
        }
    }

    private static Path deb() {
        Path deb = Path.of(System.getProperty("tcplat.deb", "target/tcplat-exporter.deb"));
        assertThat(Files.isRegularFile(deb)).as("run with 'mvn verify', which builds %s first", deb).isTrue();
        return deb;
    }
}
