package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Opens real TCP connections from inside a namespace: each one is one handshake on the wire. */
final class TcpClient {
    private static final int CONNECT_TIMEOUT_MS = 3000;

    /** How one connection attempt ended. */
    enum Outcome {
        CONNECTED,
        REFUSED,
        TIMED_OUT
    }

    private TcpClient() {}

    /**
     * Connects {@code count} times, one after the other, to {@code address:port} from inside
     * {@code ns}, closing each connection right away; fails on the first attempt that does not
     * connect.
     */
    static void connectAndClose(NetworkNamespace ns, InetAddress address, int port, int count) throws Exception {
        ns.call(() -> {
            for (int i = 0; i < count; i++) {
                Outcome outcome = connectOnce(address, port, CONNECT_TIMEOUT_MS);
                if (outcome != Outcome.CONNECTED) {
                    throw new IOException("connection " + (i + 1) + " of " + count + " to " + address + ":"
                            + port + " from " + ns + " ended " + outcome);
                }
            }
            return null;
        });
    }

    /** One attempt from inside {@code ns}; never throws for a refused or unanswered connect. */
    static Outcome connect(NetworkNamespace ns, InetAddress address, int port, int timeoutMs) throws Exception {
        return ns.call(() -> connectOnce(address, port, timeoutMs));
    }

    /** Must run on a thread inside the namespace: the socket's fd is created here, at connect. */
    private static Outcome connectOnce(InetAddress address, int port, int timeoutMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMs);
            return Outcome.CONNECTED;
        } catch (ConnectException e) {
            return Outcome.REFUSED;
        } catch (SocketTimeoutException e) {
            return Outcome.TIMED_OUT;
        }
    }
}
