package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A mistyped interface name is an operator error: say so in one line and exit non-zero. */
class BadInterfaceIT {
    @Test
    void unknownInterfaceFailsWithOneLineNamingIt() throws Exception {
        // A namespace of its own, so that even a wrong outcome cannot touch the host's devices.
        try (NetworkNamespace ns = NetworkNamespace.create("bad")) {
            ExporterProcess.Exit exit = ExporterProcess.runToExit(ns, Duration.ofSeconds(20),
                    "--interface", "does-not-exist", "--web.listen-address", "127.0.0.1:10090");

            assertThat(exit.code()).as(exit.stderr()).isNotZero();
            assertThat(exit.stderr().strip().lines()).as(exit.stderr()).hasSize(1);
            assertThat(exit.stderr()).contains("does-not-exist")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
