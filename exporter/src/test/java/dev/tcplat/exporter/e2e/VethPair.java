package dev.tcplat.exporter.e2e;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two namespaces joined by a veth pair: the client side, where the exporter watches
 * {@link #clientInterface()}, and the server side, where test listeners run.
 *
 * <p>Addresses come from private test prefixes that exist only inside these namespaces:
 * {@code 10.201.N.0/24} and {@code fd00:7c:N::/64}, N differing per pair so peer labels differ
 * between tests. IPv6 addresses are added {@code nodad}, so they are usable at once instead of
 * after duplicate address detection (about a second). Both veth ends are created directly inside
 * their namespaces; nothing ever appears in the root namespace.
 */
final class VethPair implements AutoCloseable {
    static final String CLIENT_IF = "tcplat-c";
    static final String SERVER_IF = "tcplat-s";
    private static final AtomicInteger SUBNET = new AtomicInteger();

    private final NetworkNamespace client;
    private final NetworkNamespace server;
    private final int subnet;
    private final String clientIf;
    private final String serverIf;
    /** False for a pair added to namespaces that another pair owns: close removes only the link. */
    private final boolean ownsNamespaces;

    private VethPair(NetworkNamespace client, NetworkNamespace server, int subnet, String clientIf, String serverIf,
            boolean ownsNamespaces) {
        this.client = client;
        this.server = server;
        this.subnet = subnet;
        this.clientIf = clientIf;
        this.serverIf = serverIf;
        this.ownsNamespaces = ownsNamespaces;
    }

    static VethPair create() {
        NetworkNamespace client = NetworkNamespace.create("c");
        NetworkNamespace server = null;
        try {
            server = NetworkNamespace.create("s");
            VethPair pair = new VethPair(client, server, nextSubnet(), CLIENT_IF, SERVER_IF, true);
            pair.connect();
            return pair;
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            client.close();
            throw e;
        }
    }

    /**
     * One more pair between the namespaces of {@code existing}, with its own names and prefix:
     * an interface that appears while an exporter runs. {@link #close()} deletes just this link.
     */
    static VethPair addTo(VethPair existing, String clientIf, String serverIf) {
        VethPair pair = new VethPair(existing.client, existing.server, nextSubnet(), clientIf, serverIf, false);
        try {
            pair.connect();
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    private void connect() {
        client.ip("link", "add", clientIf, "type", "veth", "peer", "name", serverIf, "netns", server.name());
        client.ip("addr", "add", addressText(IpFamily.V4, 1) + "/24", "dev", clientIf);
        client.ip("addr", "add", addressText(IpFamily.V6, 1) + "/64", "dev", clientIf, "nodad");
        server.ip("addr", "add", addressText(IpFamily.V4, 2) + "/24", "dev", serverIf);
        server.ip("addr", "add", addressText(IpFamily.V6, 2) + "/64", "dev", serverIf, "nodad");
        client.ip("link", "set", clientIf, "up");
        server.ip("link", "set", serverIf, "up");
    }

    /** N of the next {@code 10.201.N.0/24} / {@code fd00:7c:N::/64} test prefix, 1..250. */
    static int nextSubnet() {
        return 1 + SUBNET.getAndIncrement() % 250;
    }

    NetworkNamespace client() {
        return client;
    }

    NetworkNamespace server() {
        return server;
    }

    /** The veth end in the client namespace: the interface the exporter watches. */
    String clientInterface() {
        return clientIf;
    }

    String serverInterface() {
        return serverIf;
    }

    InetAddress clientAddress(IpFamily family) {
        return IpFamily.literal(addressText(family, 1));
    }

    InetAddress serverAddress(IpFamily family) {
        return IpFamily.literal(addressText(family, 2));
    }

    /**
     * The server address as the exporter must label it: a dotted quad, or the RFC 5952 text
     * ({@code fd00:7c:N::2}), which is how it is written here in the first place.
     */
    String serverPeerLabel(IpFamily family) {
        return addressText(family, 2);
    }

    private String addressText(IpFamily family, int host) {
        return family == IpFamily.V4 ? "10.201." + subnet + "." + host : "fd00:7c:" + subnet + "::" + host;
    }

    /**
     * Deletes both namespaces, or only the link for a pair {@link #addTo added} to them (by
     * whatever name its client end has now, if it still exists); deleting either end of a veth
     * pair removes the other.
     */
    @Override
    public void close() {
        if (!ownsNamespaces) {
            Command.run("ip", "-n", server.name(), "link", "del", serverIf);
            return;
        }
        try {
            server.close();
        } finally {
            client.close();
        }
    }
}
