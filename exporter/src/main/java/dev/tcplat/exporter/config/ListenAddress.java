package dev.tcplat.exporter.config;

/**
 * Where the HTTP endpoint listens, written as Prometheus exporters do: {@code HOST:PORT},
 * {@code :PORT} (all addresses) or {@code [IPv6]:PORT}.
 */
public record ListenAddress(String host, int port) {

    /** @throws IllegalArgumentException with a one-line message naming what is wrong */
    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' has no port; write HOST:PORT, :PORT or [IPv6]:PORT");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': put an IPv6 address in brackets, e.g. [::1]:10090");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port must be within 1..65535");
        }
        return new ListenAddress(host.isEmpty() ? null : host, port);
    }

    /** All addresses when no host was given. */
    public boolean anyHost() {
        return host == null;
    }

    @Override
    public String toString() {
        if (host == null) {
            return ":" + port;
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
