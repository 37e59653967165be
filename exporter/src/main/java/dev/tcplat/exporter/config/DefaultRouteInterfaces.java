package dev.tcplat.exporter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The interfaces that carry this host's default routes: what the exporter watches when no
 * {@code --interface} is given, because that is where connections to remote peers leave.
 */
public final class DefaultRouteInterfaces {
    private static final String ALL_ZERO_V6 = "00000000000000000000000000000000";
    /** RTF_UP and RTF_REJECT from linux/route.h (ipv6_route.h uses the same bits). */
    private static final int RTF_UP = 0x0001;
    private static final int RTF_REJECT = 0x0200;

    private DefaultRouteInterfaces() {}

    /** Reads /proc/net/route and /proc/net/ipv6_route of this network namespace. */
    public static Set<String> ofThisHost() throws IOException {
        return parse(readIfPresent(Path.of("/proc/net/route")), readIfPresent(Path.of("/proc/net/ipv6_route")));
    }

    private static String readIfPresent(Path path) throws IOException {
        return Files.exists(path) ? Files.readString(path) : "";
    }

    /**
     * @param ipv4Table text of /proc/net/route (a header line, then Iface Destination Gateway
     *     Flags RefCnt Use Metric Mask ... per route, hex fields)
     * @param ipv6Table text of /proc/net/ipv6_route (dest prefixlen src prefixlen nexthop metric
     *     refcnt use flags devname per line, hex fields)
     */
    public static Set<String> parse(String ipv4Table, String ipv6Table) {
        Set<String> names = new LinkedHashSet<>();
        String[] v4 = ipv4Table.split("\n");
        for (int i = 1; i < v4.length; i++) {
            String[] f = v4[i].trim().split("\\s+");
            if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000") && usable(f[0], f[3])) {
                names.add(f[0]);
            }
        }
        for (String line : ipv6Table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[0].equals(ALL_ZERO_V6) && f[1].equals("00") && usable(f[9], f[8])) {
                names.add(f[9]);
            }
        }
        return names;
    }

    private static boolean usable(String ifname, String flagsHex) {
        int flags;
        try {
            flags = (int) Long.parseLong(flagsHex, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        return !ifname.equals("lo") && (flags & RTF_UP) != 0 && (flags & RTF_REJECT) == 0;
    }
}
