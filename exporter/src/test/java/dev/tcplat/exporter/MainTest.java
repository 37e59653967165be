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
        "--handshake.timeout=0s        | --handshake.timeout must be positive (e.g. 500ms or 10s), got 0s",
        "--handshake.timeout=99999999999999999999s | --handshake.timeout: '99999999999999999999s' is too long; at most 2562047h",
        "--ringbuf.size=5000           | --ringbuf.size must be a power of two",
        "--pending.capacity=0          | --pending.capacity must be within",
        "--log.level=trace             | --log.level must be one of",
        "--web.telemetry-path=metrics  | --web.telemetry-path must start with '/'",
        "--pending.capacity=lots       | Invalid value for option '--pending.capacity': 'lots' is not a whole number",
        "--ringbuf.size=99999999999    | '--ringbuf.size': '99999999999' is out of range: a whole number from -2147483648 to 2147483647",
        "--no-such-flag                | Unknown option: '--no-such-flag'",
        "--interface=eth[0             | --interface: 'eth[0': '[' without a closing ']'",
        "--interface.exclude=veth*     | interface veth0 is both selected by name and excluded",
        "--log.format=xml              | --log.format must be plain or json",
        "--web.config.file=/none.yml   | --web.config.file: /none.yml does not exist",
        "--config.file=/none.yml       | --config.file: /none.yml does not exist",
        "--web.config.file=/etc/passwd | --web.config.file: /etc/passwd is not a web configuration file (the Prometheus web configuration format): it must be a YAML map of the keys tls_server_config, http_server_config, basic_auth_users",
    })
    void badFlagGivesOneLineNamingIt(String flag, String expected) {
        String stderr = runCapturingStderr("--interface", "veth0", flag);
        assertThat(stderr).contains(expected);
        assertThat(stderr.strip().lines()).hasSize(1);
        assertThat(stderr).doesNotContain("Exception").doesNotContain("\tat ");
        // Java's own wording: a Duration's PT form, type names, Jackson's phrases.
        assertThat(stderr).doesNotContainPattern("PT[0-9]").doesNotContain("java.", "dev.tcplat", " an int",
                "Cannot construct", "Cannot deserialize");
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
                "--ringbuf.size", "--log.level", "--log.format", "--web.config.file", "--version", "Default: :10090",
                "--interface.exclude", "--config.file", "--config.check");
    }

    @Test
    void configCheckValidatesAndExitsWithoutStarting() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(new String[] {"--interface", "veth0", "--config.check",
                    "--config.file", "../deploy/config/tcplat-exporter.yml"})).isEqualTo(Main.EXIT_OK);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .isEqualTo("tcplat-exporter: configuration is valid; per-peer series are bounded at 42506\n");
        assertThat(runCapturingStderr("--interface", "veth0", "--config.check", "--log.level=loud"))
                .contains("--log.level must be one of");
    }
}
