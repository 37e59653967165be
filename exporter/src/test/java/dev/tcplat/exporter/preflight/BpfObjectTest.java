package dev.tcplat.exporter.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Why the preflight does not ask for kernel BTF: the shipped program has no CO-RE relocations,
 * so libbpf never needs {@code /sys/kernel/btf/vmlinux}. Should the program start using
 * {@code BPF_CORE_READ} or {@code vmlinux.h}, this test fails, and the preflight must then check
 * for kernel BTF.
 */
class BpfObjectTest {
    /** struct btf_ext_header (linux/btf.h, libbpf's libbpf_internal.h): core_relo_len at 28. */
    private static final int BTF_EXT_MAGIC = 0xeB9F;
    private static final int CORE_RELO_LEN_OFFSET = 28;
    private static final int HEADER_LEN_WITH_CORE = 32;

    @Test
    void theProgramNeedsNoKernelBtf() throws Exception {
        ByteBuffer elf = bpfObject();
        ByteBuffer btfExt = section(elf, ".BTF.ext");
        assertThat(btfExt.getShort(0) & 0xffff).as("BTF.ext magic").isEqualTo(BTF_EXT_MAGIC);
        int headerLength = btfExt.getInt(4);
        int coreRelocationBytes = headerLength >= HEADER_LEN_WITH_CORE ? btfExt.getInt(CORE_RELO_LEN_OFFSET) : 0;
        assertThat(coreRelocationBytes).as("bytes of CO-RE relocations in .BTF.ext").isZero();
    }

    private static ByteBuffer bpfObject() throws Exception {
        try (InputStream in = BpfObjectTest.class.getResourceAsStream("/bpf/tcplat.bpf.o")) {
            assertThat(in).as("/bpf/tcplat.bpf.o on the classpath (built by the ebpf module)").isNotNull();
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** The named section of a little-endian ELF64 file (e_shoff at 0x28, e_shstrndx at 0x3e). */
    private static ByteBuffer section(ByteBuffer elf, String name) {
        long sectionTable = elf.getLong(0x28);
        int entrySize = elf.getShort(0x3a) & 0xffff;
        int count = elf.getShort(0x3c) & 0xffff;
        int namesIndex = elf.getShort(0x3e) & 0xffff;
        long namesOffset = elf.getLong((int) (sectionTable + (long) namesIndex * entrySize) + 0x18);
        for (int i = 0; i < count; i++) {
            int header = (int) (sectionTable + (long) i * entrySize);
            int nameOffset = (int) namesOffset + elf.getInt(header);
            int end = nameOffset;
            while (elf.get(end) != 0) {
                end++;
            }
            byte[] nameBytes = new byte[end - nameOffset];
            elf.get(nameOffset, nameBytes);
            if (new String(nameBytes, StandardCharsets.US_ASCII).equals(name)) {
                int offset = (int) elf.getLong(header + 0x18);
                int size = (int) elf.getLong(header + 0x20);
                return elf.slice(offset, size).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        throw new AssertionError("no section " + name + " in the BPF object");
    }
}
