package dev.tcplat.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.TestCertificates;
import dev.tcplat.exporter.config.WebConfig;
import dev.tcplat.exporter.config.WebConfigFile;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Clients that open connections and then trickle or send nothing must not keep a scrape from
 * being served: nearly as many as the server allows connections, far more than a small thread
 * pool has threads, and the server cuts off those that never finish their request.
 */
class SlowClientsTest {
    private static final int STALLED = ServerLimits.MAX_CONNECTIONS - 2;
    /**
     * Liveness bound only: the server cuts a trickling client after MAX_REQUEST_SECONDS and a
     * silent one when its idle timer finds it (IDLE_SECONDS, checked every 10 s).
     */
    private static final int READ_TIMEOUT_MS = 4 * Math.max(ServerLimits.MAX_REQUEST_SECONDS,
            ServerLimits.IDLE_SECONDS) * 1000;

    private final List<Socket> stalled = new ArrayList<>();
    private MetricsServer server;

    @AfterEach
    void close() throws IOException {
        for (Socket socket : stalled) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @TempDir
    static Path dir;

    private static PrometheusRegistry registry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("tcplat_test_total").help("test").register(registry).inc();
        return registry;
    }

    @Test
    void stalledClientsAreCutOffAndTheScrapeIsServed() throws Exception {
        server = MetricsServer.start(new ListenAddress("127.0.0.1", 0), "/metrics", registry(), WebConfig.PLAIN, "1",
                () -> true);
        int port = server.port();
        for (int i = 0; i < STALLED; i++) {
            Socket socket = new Socket();
            stalled.add(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(READ_TIMEOUT_MS);
            if (i % 2 == 0) {
                // Half start a request and never finish its headers; half send nothing at all.
                socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
        }

        HttpGet.Response scrape = HttpGet.get(port, "/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("tcplat_test_total 1.0");

        for (int i = 0; i < STALLED; i++) {
            assertThat(closedByServer(stalled.get(i))).as("stalled client %d cut off", i).isTrue();
        }
    }

    /**
     * Over TLS the handshake itself runs on a server thread: clients that send the first bytes
     * of a ClientHello and stop must not keep a scrape from being served either.
     */
    @Test
    void stalledTlsHandshakesAreCutOffAndTheScrapeIsServed() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        Path file = dir.resolve("web.yml");
        Files.writeString(file, "tls_server_config: {cert_file: server.crt, key_file: server.key}\n");
        server = MetricsServer.start(new ListenAddress("127.0.0.1", 0), "/metrics", registry(),
                WebConfigFile.load(file), "1", () -> true);
        int port = server.port();
        for (int i = 0; i < STALLED; i++) {
            Socket socket = new Socket();
            stalled.add(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(READ_TIMEOUT_MS);
            // A TLS record header announcing a 512-byte handshake message, then nothing.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            socket.getOutputStream().flush();
        }

        javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.chain("ca").get(0));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        client.init(null, tmf.getTrustManagers(), null);
        HttpGet.Response response = HttpGet.tls(client, "TLSv1.3", port, "/metrics", null, null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("tcplat_test_total 1.0");

        for (int i = 0; i < STALLED; i++) {
            assertThat(closedByServer(stalled.get(i))).as("stalled handshake %d cut off", i).isTrue();
        }
    }

    /**
     * Whether the server closed the connection (EOF or reset) before the read timeout. Whatever
     * it sends first (a TLS alert) is read past.
     */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            java.io.InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // Drain up to the end of the stream.
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }
}
