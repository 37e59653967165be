package dev.tcplat.exporter.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 or IPv6, for tests parameterised over both. */
enum IpFamily {
    V4,
    V6;

    /** Parses an address literal; the harness only ever passes literals, so no lookup happens. */
    static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
