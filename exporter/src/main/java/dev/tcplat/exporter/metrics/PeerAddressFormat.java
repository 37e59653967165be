package dev.tcplat.exporter.metrics;

/**
 * Canonical text of a peer address for the {@code peer} label, so one peer is always one series:
 * IPv4 as a dotted quad (also when it arrives IPv4-mapped, ::ffff:a.b.c.d), IPv6 as RFC 5952
 * recommends (lowercase hex, no leading zeros, the longest run of two or more zero groups — the
 * first one on a tie — written as "::"). {@code Inet6Address.getHostAddress()} does not compress.
 */
public final class PeerAddressFormat {
    private PeerAddressFormat() {}

    /**
     * @param hi first 8 address bytes, big-endian; IPv4 sits in the top 4 bytes
     * @param lo last 8 address bytes, big-endian
     */
    public static String format(int family, long hi, long lo) {
        if (family == 4) {
            return dottedQuad((int) (hi >>> 32));
        }
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            return dottedQuad((int) lo);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLen - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static String dottedQuad(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "."
                + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
