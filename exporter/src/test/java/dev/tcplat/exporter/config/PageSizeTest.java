package dev.tcplat.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PageSizeTest {
    @Test
    void readsAtPageszFromAnAuxiliaryVector() {
        byte[] auxv = auxv(8, ByteOrder.LITTLE_ENDIAN, 33, 0x7ffd0000L, 16, 0xbfebfbffL, PageSize.AT_PAGESZ, 16384,
                PageSize.AT_NULL, 0);

        assertThat(PageSize.fromAuxv(auxv, 8, ByteOrder.LITTLE_ENDIAN)).hasValue(16384);
    }

    @Test
    void readsThirtyTwoBitBigEndianVectorsToo() {
        byte[] auxv = auxv(4, ByteOrder.BIG_ENDIAN, PageSize.AT_PAGESZ, 65536, PageSize.AT_NULL, 0);

        assertThat(PageSize.fromAuxv(auxv, 4, ByteOrder.BIG_ENDIAN)).hasValue(65536);
    }

    @Test
    void stopsAtTheEndMarker() {
        byte[] auxv = auxv(8, ByteOrder.LITTLE_ENDIAN, PageSize.AT_NULL, 0, PageSize.AT_PAGESZ, 4096);

        assertThat(PageSize.fromAuxv(auxv, 8, ByteOrder.LITTLE_ENDIAN)).isEmpty();
    }

    @Test
    void agreesWithGetconf() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(getconf.waitFor()).as("getconf PAGESIZE: %s", out).isZero();

        assertThat(PageSize.ofThisKernel()).isEqualTo(Integer.parseInt(out));
    }

    @Test
    void aRingSmallerThanAPageIsRefusedNamingTheFlagAndThePage() {
        // a 4 KiB ring on a 16 KiB-page kernel: the default 4 KiB floor alone would let it through
        assertThatThrownBy(() -> ExporterConfig.requireRingbufPages(4096, 16384))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ringbuf.size must be at least the page size of this kernel, 16384 bytes, got 4096");
    }

    @Test
    void aRingOfOneOrMorePagesIsAccepted() {
        assertThatCode(() -> ExporterConfig.requireRingbufPages(16384, 16384)).doesNotThrowAnyException();
        assertThatCode(() -> ExporterConfig.requireRingbufPages(8388608, 65536)).doesNotThrowAnyException();
    }

    private static byte[] auxv(int wordSize, ByteOrder order, long... pairs) {
        ByteBuffer buf = ByteBuffer.allocate(pairs.length * wordSize).order(order);
        for (long word : pairs) {
            if (wordSize == 8) {
                buf.putLong(word);
            } else {
                buf.putInt((int) word);
            }
        }
        return buf.array();
    }
}
