package dev.tcplat.exporter.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The kernel's page size, which the ring buffer must be a multiple of (BPF_MAP_TYPE_RINGBUF maps
 * its data page by page): 4 KiB on most machines, 16 or 64 KiB on some arm64 and ppc64 kernels.
 * Read from the auxiliary vector the kernel handed this process (AT_PAGESZ), which is where
 * glibc's sysconf(_SC_PAGESIZE) in the shim gets it too, so no native code is needed to check
 * a configuration.
 */
public final class PageSize {
    /** The smallest page any Linux architecture uses. */
    public static final int SMALLEST = 4096;
    /** linux/auxvec.h */
    static final long AT_NULL = 0;
    static final long AT_PAGESZ = 6;

    private PageSize() {}

    /** This kernel's page size; {@link #SMALLEST} when /proc/self/auxv can not be read. */
    public static int ofThisKernel() {
        int wordSize = "32".equals(System.getProperty("sun.arch.data.model")) ? 4 : 8;
        try {
            byte[] auxv = Files.readAllBytes(Path.of("/proc/self/auxv"));
            return fromAuxv(auxv, wordSize, ByteOrder.nativeOrder()).orElse(SMALLEST);
        } catch (IOException | SecurityException e) {
            return SMALLEST; // the shim checks again at load, with the same rule
        }
    }

    /** AT_PAGESZ from an auxiliary vector: (type, value) pairs of native words up to AT_NULL. */
    static OptionalInt fromAuxv(byte[] auxv, int wordSize, ByteOrder order) {
        ByteBuffer words = ByteBuffer.wrap(auxv).order(order);
        while (words.remaining() >= 2 * wordSize) {
            long type = wordSize == 8 ? words.getLong() : Integer.toUnsignedLong(words.getInt());
            long value = wordSize == 8 ? words.getLong() : Integer.toUnsignedLong(words.getInt());
            if (type == AT_NULL) {
                break;
            }
            if (type == AT_PAGESZ && value > 0 && value <= Integer.MAX_VALUE) {
                return OptionalInt.of((int) value);
            }
        }
        return OptionalInt.empty();
    }
}
