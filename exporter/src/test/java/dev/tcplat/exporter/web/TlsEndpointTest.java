package dev.tcplat.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.TestCertificates;
import dev.tcplat.exporter.config.WebConfigFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.net.Socket;
import java.security.Principal;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint over TLS, configured through a real web config file and real certificates:
 * versions, client certificates, and basic auth inside TLS. Old protocol versions are offered
 * by the openssl command line, since the JDK's client refuses to speak them at all.
 */
class TlsEndpointTest {
    @TempDir
    static Path dir;
    static TestCertificates pki;

    private MetricsServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestCertificates.create(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "web", ".yml");
        Files.writeString(file, yaml);
        server = MetricsServer.start(new ListenAddress("127.0.0.1", 0), "/metrics", new PrometheusRegistry(),
                WebConfigFile.load(file), "1", () -> true);
        return server.port();
    }

    /** A client trusting the test CA, speaking only {@code protocol}, optionally with a certificate. */
    private static Client client(String certificateName, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.chain("ca").get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = null;
        if (certificateName != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<X509Certificate> chain = pki.chain(certificateName);
            PrivateKey key = pki.key(certificateName);
            keys.setKeyEntry("me", key, new char[0], chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            keyManagers = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return new Client(context, protocol);
    }

    /**
     * Presents the client's certificate whatever CAs the server names: the JDK's own key manager
     * would send nothing when its CA is not among them, and the server would never see a
     * foreign certificate.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AlwaysPresent(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /** A client's TLS context and the one protocol version it offers. */
    record Client(SSLContext context, String protocol) {}

    private static HttpGet.Response get(Client client, int port, String path, String user, String password)
            throws Exception {
        return HttpGet.tls(client.context(), client.protocol(), port, path, user, password);
    }

    private static final String TLS = "tls_server_config: {cert_file: server.crt, key_file: server.key}\n";

    @Test
    void servesOverTls12AndTls13ByDefault() throws Exception {
        int port = start(TLS);
        assertThat(get(client(null, "TLSv1.3"), port, "/-/healthy", null, null).status()).isEqualTo(200);
        assertThat(get(client(null, "TLSv1.2"), port, "/-/healthy", null, null).status()).isEqualTo(200);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() throws Exception {
        int port = start(TLS);
        Throwable thrown = catchThrowable(() -> HttpGet.get(port, "/metrics"));
        assertThat(thrown).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void tls11IsRefusedWithAProtocolVersionAlert() throws Exception {
        int port = start(TLS);
        // SECLEVEL=0 lets openssl itself offer TLS 1.1; the refusal must come from the server.
        TestCertificates.Result old = pki.run("s_client", "-connect", "127.0.0.1:" + port, "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0");
        // The JDK server closes the connection without an alert: no cipher was ever agreed.
        assertThat(old.code()).as(old.output()).isNotZero();
        assertThat(old.output()).contains("Cipher is (NONE)");
        TestCertificates.Result current = pki.run("s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
                "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(current.output()).as("the same client, allowed TLS 1.2, gets through")
                .contains("Protocol  : TLSv1.2").doesNotContain("Cipher is (NONE)");
    }

    @Test
    void minVersionTls13RefusesTls12() throws Exception {
        int port = start("""
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  min_version: TLS13
                """);
        assertThat(get(client(null, "TLSv1.3"), port, "/-/healthy", null, null).status()).isEqualTo(200);
        Throwable thrown = catchThrowable(() -> get(client(null, "TLSv1.2"), port, "/-/healthy", null, null));
        assertThat(thrown).isInstanceOf(javax.net.ssl.SSLException.class);
        TestCertificates.Result openssl = pki.run("s_client", "-connect", "127.0.0.1:" + port, "-tls1_2");
        assertThat(openssl.code()).isNotZero();
        assertThat(openssl.output()).contains("Cipher is (NONE)");
    }

    private static final String MTLS = """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
            """;

    @Test
    void mutualTlsAcceptsOnlyClientsOfTheClientCa() throws Exception {
        int port = start(MTLS);
        assertThat(get(client("client", "TLSv1.3"), port, "/metrics", null, null).status()).isEqualTo(200);
        assertThat(get(client("client", "TLSv1.2"), port, "/metrics", null, null).status()).isEqualTo(200);
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            Throwable anonymous = catchThrowable(() -> get(client(null, protocol), port, "/metrics", null, null));
            assertThat(anonymous).as("no certificate, " + protocol).isInstanceOf(java.io.IOException.class);
            Throwable stranger = catchThrowable(
                    () -> get(client("stranger", protocol), port, "/metrics", null, null));
            assertThat(stranger).as("certificate of another CA, " + protocol).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void verifyIfGivenAcceptsNoCertificateButNotAForeignOne() throws Exception {
        int port = start(MTLS.replace("RequireAndVerifyClientCert", "VerifyClientCertIfGiven"));
        assertThat(get(client(null, "TLSv1.3"), port, "/metrics", null, null).status()).isEqualTo(200);
        assertThat(get(client("client", "TLSv1.3"), port, "/metrics", null, null).status()).isEqualTo(200);
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            Throwable stranger = catchThrowable(() -> get(client("stranger", protocol), port, "/metrics", null, null));
            assertThat(stranger).as("certificate of another CA, " + protocol).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void basicAuthInsideTls() throws Exception {
        String hash = new String(BCrypt.withDefaults().hash(6, "pw".toCharArray()), StandardCharsets.US_ASCII);
        int port = start(TLS + "basic_auth_users:\n  prometheus: '" + hash + "'\n");
        Client context = client(null, "TLSv1.3");
        assertThat(get(context, port, "/metrics", null, null).status()).isEqualTo(401);
        assertThat(get(context, port, "/metrics", "prometheus", "wrong").status()).isEqualTo(401);
        assertThat(get(context, port, "/metrics", "nobody", "pw").status()).isEqualTo(401);
        assertThat(get(context, port, "/metrics", "prometheus", "pw").status()).isEqualTo(200);
    }
}
