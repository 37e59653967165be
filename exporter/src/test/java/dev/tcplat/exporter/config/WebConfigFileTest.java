package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule of the web config file, one test each; every failure is one line naming the key. */
class WebConfigFileTest {
    @TempDir
    static Path dir;
    static TestCertificates pki;
    static final String HASH = new String(BCrypt.withDefaults().hash(4, "secret".toCharArray()));

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestCertificates.create(dir);
    }

    private static WebConfig load(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "web", ".yml");
        Files.writeString(file, yaml);
        return WebConfigFile.load(file);
    }

    private static String error(String yaml) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage().lines()).hasSize(1);
        return thrown.getMessage();
    }

    @Test
    void emptyFileMeansPlainHttpWithoutAuth() throws Exception {
        assertThat(load("")).isEqualTo(WebConfig.PLAIN);
        assertThat(load("# nothing configured yet\n")).isEqualTo(WebConfig.PLAIN);
    }

    @Test
    void fullFileIsUnderstood() throws Exception {
        WebConfig web = load("""
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_ca_file: ca.crt
                  min_version: TLS13
                http_server_config:
                  headers:
                    X-Frame-Options: deny
                basic_auth_users:
                  alice: '%s'
                """.formatted(HASH));
        assertThat(web.tls()).isPresent();
        assertThat(web.tls().get().protocols()).containsExactly("TLSv1.3");
        assertThat(web.basicAuthUsers()).containsEntry("alice", HASH);
        assertThat(web.headers()).containsEntry("X-Frame-Options", "deny");
    }

    @Test
    void defaultVersionsAreTls12AndTls13() throws Exception {
        WebConfig web = load("tls_server_config: {cert_file: server.crt, key_file: server.key}\n");
        assertThat(web.tls().get().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> WebConfigFile.load(dir.resolve("absent.yml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("absent.yml does not exist");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tls_server_config: {cert_file: server.crt, key_file: server.key, colour: red} | unknown key 'tls_server_config.colour'",
        "basic_auth: {a: b}                                                            | unknown key 'basic_auth'",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, client_allowed_sans: [a]} | 'tls_server_config.client_allowed_sans' is not supported",
        "http_server_config: {http2: true}                                             | 'http_server_config.http2' is not supported",
        "tls_server_config: [a, b]                                                     | 'tls_server_config' has the wrong type",
        "'tls_server_config: {'                                                        | is not valid YAML",
        "'basic_auth_users: {a: x}\nbasic_auth_users: {b: y}'                          | is not valid YAML",
        "tls_server_config: {cert_file: server.crt}                                    | needs both cert_file and key_file",
        "tls_server_config: {cert_file: nothere.crt, key_file: server.key}             | nothere.crt does not exist",
        "tls_server_config: {cert_file: server.key, key_file: server.key}              | is not a PEM certificate file",
        "tls_server_config: {cert_file: server.crt, key_file: server.crt}              | holds a 'CERTIFICATE' block; convert it to unencrypted PKCS#8",
        "tls_server_config: {cert_file: server.crt, key_file: client.key}              | does not belong to the first certificate",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS11} | min_version TLS11 is refused",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: SSL3}  | min_version 'SSL3' is not one of",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS13, max_version: TLS12} | is above max_version",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, client_auth_type: RequireAndVerifyClientCert} | needs client_ca_file",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, client_auth_type: RequireAnyClientCert, client_ca_file: ca.crt} | is not supported; use VerifyClientCertIfGiven",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, client_auth_type: Always} | client_auth_type 'Always' is not one of",
        "tls_server_config: {cert_file: server.crt, key_file: server.key, cipher_suites: [TLS_NOPE]} | cipher_suites: TLS_NOPE not supported",
        "basic_auth_users: {alice: plaintext}                                          | the password of 'alice' is not a bcrypt hash",
        "'basic_auth_users: {\"a:b\": x}'                                              | user name 'a:b' must be non-empty and without ':'",
        "http_server_config: {headers: {Server: evil}}                                 | 'Server' can not be set",
    })
    void badFileIsOneLineNamingTheKey(String yaml, String expected) {
        assertThat(error(yaml.replace("\\n", "\n"))).contains(expected);
    }

    @Test
    void aDamagedKeyIsNamedAsOneRatherThanByTheDecoder() throws Exception {
        Files.writeString(dir.resolve("cut.key"), "-----BEGIN PRIVATE KEY-----\nAAAAA\n-----END PRIVATE KEY-----\n");
        assertThat(error("tls_server_config: {cert_file: server.crt, key_file: cut.key}"))
                .endsWith("cut.key: its PRIVATE KEY block is not valid base64; the file is damaged or cut short");
    }

    @Test
    void aDirectoryGivenForACertificateIsNamedAsOne() throws Exception {
        assertThat(error("tls_server_config: {cert_file: ., key_file: server.key}"))
                .endsWith(": cert_file " + dir.resolve(".") + " is a directory, not a file");
    }

    @Test
    void encryptedOrLegacyKeysGetTheConversionCommand() throws Exception {
        Path legacy = dir.resolve("legacy.key");
        Files.writeString(legacy, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThat(error("tls_server_config: {cert_file: server.crt, key_file: legacy.key}"))
                .contains("'EC PRIVATE KEY' block", "openssl pkcs8 -topk8 -nocrypt");
    }
}
