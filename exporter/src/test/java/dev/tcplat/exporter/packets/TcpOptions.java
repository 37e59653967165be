package dev.tcplat.exporter.packets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** TCP options as raw bytes (RFC 9293 §3.2, RFC 7323, RFC 2018), to concatenate into a header. */
public final class TcpOptions {
    private static final int NOP = 1;

    private TcpOptions() {}

    /** Maximum segment size, kind 2. */
    public static byte[] mss(int mss) {
        return new byte[] {2, 4, (byte) (mss >> 8), (byte) mss};
    }

    /** SACK permitted, kind 4. */
    public static byte[] sackPermitted() {
        return new byte[] {4, 2};
    }

    /** Timestamps, kind 8: TSval then TSecr, unsigned 32-bit values in longs. */
    public static byte[] timestamp(long tsval, long tsecr) {
        return ByteBuffer.allocate(10).put((byte) 8).put((byte) 10).putInt((int) tsval).putInt((int) tsecr).array();
    }

    /** Two NOPs, then the timestamp: the 4-byte-aligned layout of RFC 7323 Appendix A. */
    public static byte[] alignedTimestamp(long tsval, long tsecr) {
        return concat(new byte[] {NOP, NOP}, timestamp(tsval, tsecr));
    }

    /** Window scale, kind 3. */
    public static byte[] windowScale(int shift) {
        return new byte[] {3, 3, (byte) shift};
    }

    public static byte[] nop() {
        return new byte[] {NOP};
    }

    /** What Linux puts on a SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
    public static byte[] linuxSyn(long tsval, long tsecr) {
        return concat(mss(1460), sackPermitted(), timestamp(tsval, tsecr), nop(), windowScale(7));
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
