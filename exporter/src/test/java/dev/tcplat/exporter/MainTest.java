package dev.tcplat.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags end in exit code 2 and one line naming the flag, before anything touches the kernel. */
class MainTest {
    private String runCapturingStderr(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(Main.EXIT_USAGE);
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--attach-mode=xdp             | --attach-mode: 'xdp' is not one of auto, tcx, tc",
        "--web.listen-address=10090    | --web.listen-address: '10090' has no port",
        "--handshake.timeout=10        | --handshake.timeout: '10' is not a duration",
        "--handshake.timeout=0s        | --handshake.timeout must be positive",
        "--ringbuf.size=5000           | --ringbuf.size must be a power of two",
        "--pending.capacity=0          | --pending.capacity must be within",
        "--log.level=trace             | --log.level must be one of",
        "--web.telemetry-path=metrics  | --web.telemetry-path must start with '/'",
        "--pending.capacity=lots       | Invalid value for option '--pending.capacity'",
        "--no-such-flag                | Unknown option: '--no-such-flag'",
        "--interface=eth[0             | --interface: 'eth[0': '[' without a closing ']'",
        "--interface.exclude=veth*     | interface veth0 is both selected by name and excluded",
        "--log.format=xml              | --log.format must be plain or json",
        "--web.config.file=/none.yml   | --web.config.file: /none.yml does not exist",
    })
    void badFlagGivesOneLineNamingIt(String flag, String expected) {
        String stderr = runCapturingStderr("--interface", "veth0", flag);
        assertThat(stderr).contains(expected);
        assertThat(stderr.strip().lines()).hasSize(1);
        assertThat(stderr).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void helpDocumentsEveryFlag() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(new String[] {"--help"})).isEqualTo(Main.EXIT_OK);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("--interface", "--web.listen-address",
                "--web.telemetry-path", "--attach-mode", "--handshake.timeout", "--pending.capacity",
                "--ringbuf.size", "--log.level", "--log.format", "--web.config.file", "--version", "Default: :10090", "--interface.exclude");
    }
}
