package dev.tcplat.exporter.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * An address block, IPv4 or IPv6, in the form the matchers see addresses: family 4 or 6 and two
 * big-endian longs, IPv4 in the top four bytes of the first.
 */
public record Cidr(int family, long hi, long lo, int prefixLength, String text) {

    /** @throws IllegalArgumentException naming the text, for anything but ADDRESS/LENGTH */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (ADDRESS/LENGTH)");
        }
        String address = text.substring(0, slash);
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + text + "': '" + address + "' is not an IP address");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "': '" + address + "' is not an IP address");
        }
        int family = bytes.length == 4 ? 4 : 6;
        int maxLength = bytes.length * 8;
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > maxLength) {
            throw new IllegalArgumentException("'" + text + "': the prefix length must be 0.." + maxLength);
        }
        ByteBuffer padded = ByteBuffer.allocate(16).put(bytes);
        long hi = padded.getLong(0) & mask(length, 0);
        long lo = padded.getLong(8) & mask(length, 64);
        if (hi != padded.getLong(0) || lo != padded.getLong(8)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean "
                    + canonical(family, hi, lo, length) + "?");
        }
        return new Cidr(family, hi, lo, length, text);
    }

    /** Whether the address lies in this block. */
    public boolean contains(int addressFamily, long addressHi, long addressLo) {
        return addressFamily == family && (addressHi & mask(prefixLength, 0)) == hi
                && (addressLo & mask(prefixLength, 64)) == lo;
    }

    /** The bits of a 64-bit half starting at bit {@code offset} that a prefix of {@code length} keeps. */
    public static long mask(int length, int offset) {
        int bits = Math.max(0, Math.min(64, length - offset));
        return bits == 0 ? 0 : -1L << (64 - bits);
    }

    private static String canonical(int family, long hi, long lo, int length) {
        byte[] bytes = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
            InetAddress address = InetAddress.getByAddress(java.util.Arrays.copyOf(bytes, family == 4 ? 4 : 16));
            return address.getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
