package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One message policy for both YAML files: the same mistake reads the same in the config file and
 * the web config file, names the file first, and never shows a Java class or the parser's wording.
 */
class StrictYamlTest {
    @TempDir
    Path dir;

    static Stream<Arguments> bothFiles() {
        return Stream.of(
                Arguments.of("config file", (Function<Path, Object>) ConfigFile::load),
                Arguments.of("web config file", (Function<Path, Object>) WebConfigFile::load));
    }

    private static String message(Function<Path, Object> load, Path file) {
        Throwable thrown = catchThrowable(() -> load.apply(file));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        String message = thrown.getMessage();
        assertThat(message).startsWith(file.toString()).doesNotContain("\n")
                .doesNotContain("java.", "dev.tcplat", "Cannot deserialize", "Cannot construct", "JsonToken",
                        "Creator", "out of range of int");
        return message;
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("file.yml"), text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aFileThatIsNotAMapSaysWhatTheFileMustLookLike(String kind, Function<Path, Object> load) throws IOException {
        Path passwd = write("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
        assertThat(message(load, passwd)).matches(".* is not a .*: it must be a YAML map of the keys .*");
        assertThat(message(load, write("- a\n- b\n"))).contains("it must be a YAML map of the keys");
    }

    @Test
    void theKeysNamedAreThoseOfTheFormat() throws IOException {
        Path file = write("just text\n");
        assertThat(message(WebConfigFile::load, file)).endsWith(" is not a web configuration file (the Prometheus"
                + " web configuration format): it must be a YAML map of the keys tls_server_config,"
                + " http_server_config, basic_auth_users");
        assertThat(message(ConfigFile::load, file)).endsWith(" is not a tcplat-exporter config file: it must be a"
                + " YAML map of the keys peers, ports, histograms");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aDirectoryIsNamedAsOne(String kind, Function<Path, Object> load) {
        assertThat(message(load, dir)).isEqualTo(dir + " is a directory, not a file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aBinaryFileIsNotText(String kind, Function<Path, Object> load) throws IOException {
        Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0x7f, 'E', 'L', 'F', (byte) 0xc3, 0x28});
        assertThat(message(load, binary)).isEqualTo(binary + " is not a text file (YAML is UTF-8 text)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aSecondDocumentIsRefused(String kind, Function<Path, Object> load) throws IOException {
        assertThat(message(load, write("{}\n---\n{}\n"))).contains(" holds more than one YAML document (line 3); ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aDuplicateKeyIsNamedWithItsLine(String kind, Function<Path, Object> load) throws IOException {
        Path file = write("colour: red\ncolour: blue\n");
        assertThat(message(load, file)).isEqualTo(file + " is not valid YAML (line 2): 'colour' is written twice");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void anUnknownKeyIsNamedWithItsLine(String kind, Function<Path, Object> load) throws IOException {
        Path file = write("# a comment\ncolour: red\n");
        assertThat(message(load, file)).isEqualTo(file + ": unknown key 'colour' (line 2)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothFiles")
    void aSyntaxErrorGivesTheParsersReasonWithoutItsExcerpt(String kind, Function<Path, Object> load)
            throws IOException {
        Path file = write("a: 'unterminated\n");
        assertThat(message(load, file)).isEqualTo(file + " is not valid YAML (line 1): while scanning a quoted scalar:"
                + " found unexpected end of stream");
    }

    @Test
    void aWrongTypeSaysWhatTheValueMustBe() throws IOException {
        assertThat(message(ConfigFile::load, write("peers:\n  addresses_per_direction: [1]\n")))
                .endsWith(": 'peers.addresses_per_direction' has the wrong type (line 2): it must be a whole number");
        assertThat(message(ConfigFile::load, write("ports:\n  label: yes please\n")))
                .endsWith(": 'ports.label' has the wrong type (line 2): it must be true or false");
        assertThat(message(ConfigFile::load, write("peers:\n  groups: db\n")))
                .endsWith(": 'peers.groups' has the wrong type (line 2): it must be a list");
        assertThat(message(ConfigFile::load, write("histograms:\n  rtt_buckets: [fast]\n")))
                .endsWith(": 'histograms.rtt_buckets[0]' has the wrong type (line 2): it must be a number");
        assertThat(message(WebConfigFile::load, write("basic_auth_users: {alice: [x]}\n")))
                .endsWith(": 'basic_auth_users.alice' has the wrong type (line 1): it must be a single value,"
                        + " not a list or map");
        assertThat(message(WebConfigFile::load, write("http_server_config: [a]\n")))
                .endsWith(": 'http_server_config' has the wrong type (line 1): it must be a map of the keys headers");
        assertThat(message(WebConfigFile::load, write("basic_auth_users: [a]\n")))
                .endsWith(": 'basic_auth_users' has the wrong type (line 1): it must be a map");
    }

    @Test
    void aNumberBeyondRangeSaysTheRange() throws IOException {
        assertThat(message(ConfigFile::load, write("ports:\n  listed: [443, 99999999999]\n")))
                .endsWith(": 'ports.listed[1]' is out of range (line 2): it must be a whole number from -2147483648"
                        + " to 2147483647");
    }

    @Test
    void aWebConfigRuleNamesTheFileToo() throws IOException {
        Path file = write("tls_server_config: {cert_file: server.crt}\n");
        assertThat(message(WebConfigFile::load, file))
                .isEqualTo(file + ": tls_server_config needs both cert_file and key_file");
    }
}
