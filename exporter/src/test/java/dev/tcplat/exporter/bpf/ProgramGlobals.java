package dev.tcplat.exporter.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The program's .bss ({@code struct tcplat_waiting} in {@code ebpf/include/tcplat_abi.h}), read and
 * written with bpftool as an outsider would: the shim has no reason to expose it. Assumes the probe
 * under test is the only one this JVM holds open. The layout is generated, and the build checks it
 * against the object's BTF (ebpf/abi/abigen.c).
 */
final class ProgramGlobals {
    static final int ACK_SLOTS = TcplatAbi.TCPLAT_ACK_SLOTS;
    /** Offsets in the .bss map's value. */
    private static final int SYNACKS = TcplatAbi.BSS_OFFSETOF_WAITING + TcplatAbi.OFFSETOF_TCPLAT_WAITING_SYNACKS;
    private static final int ACK_SLOTS_OFFSET =
            TcplatAbi.BSS_OFFSETOF_WAITING + TcplatAbi.OFFSETOF_TCPLAT_WAITING_ACK_SLOTS;
    private static final int ACK_SLOT_SIZE = TcplatAbi.SIZEOF_TCPLAT_WAITING_ACK_SLOTS / TcplatAbi.TCPLAT_ACK_SLOTS;

    private final long mapId;
    private final ByteBuffer value;

    private ProgramGlobals(long mapId, ByteBuffer value) {
        this.mapId = mapId;
        this.value = value;
    }

    /** A snapshot of the .bss of the tcplat program this process has loaded. */
    static ProgramGlobals read() throws Exception {
        long id = bssMapId();
        String json = bpftool("map", "lookup", "id", Long.toString(id), "key", "0", "0", "0", "0");
        Matcher m = Pattern.compile("\"value\":\\[([^\\]]*)\\]").matcher(json);
        assertThat(m.find()).as("a value in bpftool's answer").isTrue();
        String[] bytes = m.group(1).replace("\"", "").split(",");
        ByteBuffer value = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (String b : bytes) {
            value.put((byte) (int) Integer.decode(b.trim()));
        }
        assertThat(value.capacity()).as(".bss size").isEqualTo(TcplatAbi.BSS_SIZEOF_WAITING);
        return new ProgramGlobals(id, value);
    }

    /** The idle gate: entries in the synacks map. */
    long synacksWaiting() {
        return value.getLong(SYNACKS);
    }

    /** The pre-filter slot an ACK number falls into. */
    long ackSlot(long ack) {
        return Integer.toUnsignedLong(value.getInt(ACK_SLOTS_OFFSET + ACK_SLOT_SIZE * slotOf(ack)));
    }

    /** Sum over all slots: the waiting entries the pre-filter knows of. */
    long ackSlotSum() {
        long sum = 0;
        for (int i = 0; i < ACK_SLOTS; i++) {
            sum += Integer.toUnsignedLong(value.getInt(ACK_SLOTS_OFFSET + ACK_SLOT_SIZE * i));
        }
        return sum;
    }

    /** Overwrites one slot in the kernel (the rest as read), to show what the program does with it. */
    void writeAckSlot(long ack, int count) throws Exception {
        value.putInt(ACK_SLOTS_OFFSET + ACK_SLOT_SIZE * slotOf(ack), count);
        List<String> args = new ArrayList<>(List.of("map", "update", "id", Long.toString(mapId),
                "key", "0", "0", "0", "0", "value"));
        for (int i = 0; i < value.capacity(); i++) {
            args.add(Integer.toString(value.get(i) & 0xff));
        }
        bpftool(args.toArray(String[]::new));
    }

    private static int slotOf(long ack) {
        return (int) (ack & (ACK_SLOTS - 1));
    }

    /** The id of the tcplat .bss map this JVM holds open. */
    private static long bssMapId() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = Pattern.compile("(?m)^map_id:\\s+(\\d+)").matcher(Files.readString(fd));
                    if (m.find()) {
                        ids.add(Long.parseLong(m.group(1)));
                    }
                } catch (IOException e) {
                    // the fd closed meanwhile
                }
            }
        }
        for (long id : ids) {
            if (bpftool("map", "show", "id", Long.toString(id)).contains("\"name\":\"tcplat.bss\"")) {
                return id;
            }
        }
        throw new AssertionError("no tcplat.bss map among this process' maps " + ids);
    }

    private static String bpftool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bpftool", "-j"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = process.waitFor();
        assertThat(rc).as("bpftool %s: %s", args[0] + " " + args[1], out.length() > 500 ? out.substring(0, 500) : out)
                .isZero();
        return out;
    }
}
