package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.PacketFrames.ACK;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IP;
import static dev.tcplat.exporter.bpf.PacketFrames.SYN;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_CLIENT;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_SERVER;
import static dev.tcplat.exporter.bpf.PacketFrames.ethernet;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.PacketFrames.Tcp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The program's idle gate (synacks_waiting in its .bss, read here with bpftool) counts the
 * answered handshakes the kernel still waits for: a SYN-ACK opens it, and a handshake userspace
 * gives up on closes it again, so an idle server stops paying a map lookup per ingress ACK.
 */
class SynAckGateTest {
    @Test
    void forgettingTheLastWaitingSynAckClosesTheGate() throws Exception {
        try (Probe probe = Probe.open(1 << 16)) {
            long bss = bssMapId();
            assertThat(synacksWaiting(bss)).isZero();

            Tcp synAck = new Tcp().ports(443, 40300).flags(SYN | ACK).seq(5000).ack(88);
            probe.testRun(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, synAck.bytes())));
            assertThat(synacksWaiting(bss)).isEqualTo(1);

            long server = Integer.toUnsignedLong(ByteBuffer.wrap(V4_SERVER).getInt()) << 32;
            long client = Integer.toUnsignedLong(ByteBuffer.wrap(V4_CLIENT).getInt()) << 32;
            probe.forgetSynAck(4, server, 0, 443, client, 0, 40300);
            assertThat(synacksWaiting(bss)).isZero();
        }
    }

    /** The id of the tcplat .bss map this JVM holds open; the probe just opened is the only one. */
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

    /** The first 8 bytes of the .bss value, little-endian: synacks_waiting. */
    private static long synacksWaiting(long mapId) throws Exception {
        String json = bpftool("map", "lookup", "id", Long.toString(mapId), "key", "0", "0", "0", "0");
        Matcher m = Pattern.compile("\"value\":\\[([^\\]]*)\\]").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        String[] bytes = m.group(1).replace("\"", "").split(",");
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | Long.decode(bytes[i].trim());
        }
        return value;
    }

    private static String bpftool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bpftool", "-j"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("bpftool %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
