package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server in a namespace that accepts every connection and closes it at once: the far end
 * of real handshakes over veth. The socket is bound on a thread inside the namespace; the accept
 * loop may then run anywhere, because the listening socket stays in the namespace it was made in.
 */
final class TcpListener implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptLoop;
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpListener(ServerSocket socket) {
        this.socket = socket;
        this.acceptLoop = new Thread(this::acceptAll, "tcp-listener-" + socket.getLocalPort());
        this.acceptLoop.setDaemon(true);
    }

    /** Listens on {@code address}, on a free port, inside {@code ns}. */
    static TcpListener open(NetworkNamespace ns, InetAddress address) throws Exception {
        ServerSocket socket = ns.call(() -> {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(address, 0), 256);
            return server;
        });
        TcpListener listener = new TcpListener(socket);
        listener.acceptLoop.start();
        return listener;
    }

    int port() {
        return socket.getLocalPort();
    }

    InetAddress address() {
        return socket.getInetAddress();
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptAll() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                // closed by close(), or a connection reset before accept: either way, go on or stop
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptLoop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
