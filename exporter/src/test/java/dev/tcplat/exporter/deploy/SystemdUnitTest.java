package dev.tcplat.exporter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The systemd unit: least privilege as the project states it, and systemd's own exposure score
 * ({@code systemd-analyze security --offline}, which needs no running systemd).
 */
class SystemdUnitTest {

    @Test
    void capabilitiesAreExactlyWhatTheProbeNeeds() throws IOException {
        SystemdUnit unit = SystemdUnit.load();
        assertThat(unit.ambientCapabilities()).containsExactly("bpf", "net_admin", "perfmon");
        assertThat(unit.value("CapabilityBoundingSet")).isEqualTo(unit.value("AmbientCapabilities"));
        assertThat(unit.value("DynamicUser")).isEqualTo("yes");
        assertThat(unit.value("User")).isNull();
    }

    @Test
    void hardeningTheIssueAsksFor() throws IOException {
        SystemdUnit unit = SystemdUnit.load();
        assertThat(unit.value("NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.value("ProtectSystem")).isEqualTo("strict");
        assertThat(unit.value("ProtectHome")).isEqualTo("yes");
        assertThat(unit.value("PrivateTmp")).isEqualTo("yes");
        assertThat(unit.value("Restart")).isEqualTo("on-failure");
        assertThat(unit.value("RestrictAddressFamilies").split(" ")).contains("AF_NETLINK", "AF_INET", "AF_INET6");
        assertThat(unit.values("SystemCallFilter")).containsExactly("@system-service bpf");
        // JIT needs writable+executable memory; the interfaces to measure are the host's own.
        assertThat(unit.value("MemoryDenyWriteExecute")).isNull();
        assertThat(unit.value("PrivateNetwork")).isNull();
    }

    @Test
    void jnaUnpacksIntoTheRuntimeDirectory() throws IOException {
        SystemdUnit unit = SystemdUnit.load();
        assertThat(unit.value("RuntimeDirectory")).isEqualTo("tcplat-exporter");
        assertThat(unit.value("ExecPaths")).isEqualTo("/run/tcplat-exporter");
        assertThat(unit.value("ExecStart")).isEqualTo("/usr/bin/tcplat-exporter $ARGS");
    }

    @Test
    void exposureScoreIsAtMostThree() throws Exception {
        SystemdUnit unit = SystemdUnit.load();
        // systemd-analyze comes with the systemd package, which install-deps.sh --test installs.
        Process process = new ProcessBuilder("systemd-analyze", "security", "--offline=yes", "--no-pager",
                unit.file().toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher score = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)").matcher(output);
        assertThat(score.find()).as(output).isTrue();
        double exposure = Double.parseDouble(score.group(1));
        assertThat(exposure).as(output).isLessThanOrEqualTo(SystemdUnit.MAX_EXPOSURE);
    }
}
