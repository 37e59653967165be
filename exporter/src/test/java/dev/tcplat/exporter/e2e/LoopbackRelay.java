package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a TCP service inside a test namespace reachable on the root namespace's loopback: it
 * listens on {@code 127.0.0.1:PORT} here and, for each connection, opens one to the service from
 * a thread inside the namespace (so that socket belongs to the namespace) and copies bytes both
 * ways. For clients that can only reach the host, such as a container that Testcontainers lets
 * reach host ports. Only loopback is used; nothing in either namespace is reconfigured.
 */
final class LoopbackRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread acceptLoop;

    private LoopbackRelay(ServerSocket listener, NetworkNamespace ns, String host, int port) {
        this.listener = listener;
        this.acceptLoop = new Thread(() -> acceptAll(ns, host, port), "relay-" + listener.getLocalPort());
        this.acceptLoop.setDaemon(true);
    }

    /**
     * Relays {@code host:port} in {@code ns} to a free port on the root namespace's loopback.
     * Call from an ordinary test thread (in the root namespace), not from a namespace task.
     */
    static LoopbackRelay open(NetworkNamespace ns, String host, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        LoopbackRelay relay = new LoopbackRelay(listener, ns, host, port);
        relay.acceptLoop.start();
        return relay;
    }

    /** The port on the root namespace's 127.0.0.1. */
    int port() {
        return listener.getLocalPort();
    }

    private void acceptAll(NetworkNamespace ns, String host, int port) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream;
                try {
                    upstream = ns.call(() -> new Socket(host, port));
                } catch (Exception e) {
                    client.close();
                    continue;
                }
                AtomicInteger open = new AtomicInteger(2);
                pump(client, upstream, open);
                pump(upstream, client, open);
            } catch (IOException e) {
                // closed by close(), or one connection failed: the loop condition decides
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} on a thread of its own. An end of stream is passed on as
     * a half-close, so the other direction can still finish (a client that shuts its output down
     * still gets its answer); the last of the two directions to finish closes both sockets.
     */
    private static void pump(Socket from, Socket to, AtomicInteger open) {
        Thread thread = new Thread(() -> {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                // reset or closed: nothing more to copy this way
            } finally {
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }
        }, "relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptLoop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
