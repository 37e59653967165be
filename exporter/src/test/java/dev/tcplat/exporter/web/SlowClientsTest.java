package dev.tcplat.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.config.ListenAddress;
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

    @Test
    void stalledClientsAreCutOffAndTheScrapeIsServed() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("tcplat_test_total").help("test").register(registry).inc();
        server = MetricsServer.start(new ListenAddress("127.0.0.1", 0), "/metrics", registry, WebConfig.PLAIN, "1",
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

    /** Whether the server closed the connection (EOF or reset) before the read timeout. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true; // reset
        }
    }
}
