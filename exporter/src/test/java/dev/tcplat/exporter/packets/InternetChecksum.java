package dev.tcplat.exporter.packets;

/**
 * The Internet checksum of RFC 1071: the ones' complement of the ones' complement sum of 16-bit
 * big-endian words. A header that carries its correct checksum sums to zero here.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    /** The checksum of {@code data[offset..offset+length)}. */
    public static int of(byte[] data, int offset, int length) {
        return fold(sum(data, offset, length, 0));
    }

    /**
     * The TCP checksum of the segment at {@code packet[tcp..tcp+length)} with its pseudo-header:
     * addresses, protocol and TCP length (RFC 9293 §3.1 for IPv4, RFC 8200 §8.1 for IPv6, whose
     * 32-bit length and 8-bit next header add up to the same sum). The address length says which.
     */
    public static int tcp(byte[] packet, byte[] source, byte[] destination, int tcp, int length) {
        long acc = sum(source, 0, source.length, 0);
        acc = sum(destination, 0, destination.length, acc);
        acc += IpProtocols.TCP + length;
        return fold(sum(packet, tcp, length, acc));
    }

    /** Adds 16-bit big-endian words (an odd last byte padded with zero) to {@code acc}. */
    private static long sum(byte[] data, int offset, int length, long acc) {
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            acc += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < offset + length) {
            acc += (data[i] & 0xff) << 8;
        }
        return acc;
    }

    /** Folds the carries back in and complements. */
    private static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) (~acc & 0xffff);
    }
}
