package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopbackRelay}, which GrafanaProvisioningIT needs to let a container reach a
 * namespaced Prometheus, checked here where no Docker is needed: a server listening only on a
 * test namespace's loopback answers a client on the root namespace's loopback, both ways, for
 * several connections one after the other.
 */
class LoopbackRelayIT {
    @Test
    void carriesBytesBothWaysBetweenTheRootLoopbackAndANamespace() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("relay");
                ServerSocket server = ns.call(() -> {
                    ServerSocket socket = new ServerSocket();
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                    return socket;
                })) {
            Thread upper = new Thread(() -> answerInUpperCase(server), "relay-test-server");
            upper.setDaemon(true);
            upper.start();
            try (LoopbackRelay relay = LoopbackRelay.open(ns, "127.0.0.1", server.getLocalPort())) {
                for (String word : new String[] {"prometheus", "grafana", "tcplat"}) {
                    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
                        OutputStream out = client.getOutputStream();
                        out.write(word.getBytes(StandardCharsets.US_ASCII));
                        client.shutdownOutput();
                        String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        assertThat(answer).isEqualTo(word.toUpperCase());
                    }
                }
            }
        }
    }

    /** Reads each connection to its end and answers with the same bytes in upper case. */
    private static void answerInUpperCase(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket connection = server.accept(); InputStream in = connection.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                connection.getOutputStream().write(text.toUpperCase().getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                // closed at the end of the test
            }
        }
    }
}
