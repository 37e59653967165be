package dev.tcplat.exporter.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * End to end on the real kernel: client threads in one namespace open and abort TCP connections
 * to a listener in another, across a veth pair, as fast as this machine allows, while the
 * packaged exporter watches the client's end. Reports the handshake rate, the exporter's CPU
 * (from /proc, so JIT and GC count too) against its idle CPU, and whether every handshake was
 * counted: exporter's count against the clients' successful connects.
 *
 * usage: HandshakeRateBench [--quick]   (needs root and the packaged jar, like the e2e tests)
 */
public final class HandshakeRateBench {
    private static final int CLIENT_THREADS = 4;
    private static final long TICKS_PER_SECOND = 100;  // USER_HZ on Linux

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        double seconds = quick ? 2 : 15;
        IpFamily family = IpFamily.V4;
        try (VethPair veth = VethPair.create();
                TcpListener listener = TcpListener.open(veth.server(), veth.serverAddress(family));
                ExporterProcess exporter = ExporterProcess.start(veth.client(), "--interface",
                        veth.clientInterface())) {
            // room for many short connections; aborted (RST) connections leave no TIME_WAIT behind
            veth.client().exec("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65535");
            String peer = veth.serverPeerLabel(family);
            InetAddress server = veth.serverAddress(family);

            Thread.sleep(quick ? 0 : 3000);  // past start-up's JIT work
            long idleTicks = cpuTicks(exporter.pid());
            long idleStart = System.nanoTime();
            Thread.sleep(quick ? 1000 : 5000);
            double idleCpu = cpuShare(exporter.pid(), idleTicks, idleStart);

            long ticks = cpuTicks(exporter.pid());
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            List<Future<long[]>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENT_THREADS; i++) {
                clients.add(veth.client().submit(() -> connectUntil(server, listener.port(), deadline)));
            }
            long connected = 0;
            long failed = 0;
            for (Future<long[]> client : clients) {
                long[] counts = client.get();
                connected += counts[0];
                failed += counts[1];
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double loadCpu = cpuShare(exporter.pid(), ticks, start);
            double rate = connected / elapsed;

            long expected = connected;
            try {
                Await.until(() -> Handshakes.outboundCount(exporter.scrape(), peer).orElse(0) >= expected,
                        Duration.ofSeconds(10), () -> "exporter count below " + expected);
            } catch (AssertionError e) {
                // reported below as lost matches
            }
            MetricsText metrics = exporter.scrape();
            double counted = Handshakes.outboundCount(metrics, peer).orElse(0);
            double drops = metrics.value("tcplat_ringbuf_dropped_events_total", Map.of()).orElse(-1);

            System.out.printf("e2e.client_threads %d%n", CLIENT_THREADS);
            System.out.printf("e2e.handshakes %d in %.1f s (%d failed connects)%n", connected, elapsed, failed);
            System.out.printf("e2e.handshakes_per_s %.0f%n", rate);
            System.out.printf("e2e.exporter_cpu_idle %.1f%%%n", 100 * idleCpu);
            System.out.printf("e2e.exporter_cpu_under_load %.1f%%%n", 100 * loadCpu);
            System.out.printf("e2e.exporter_cpu_per_1k_handshakes_per_s %.2f%% (above idle)%n",
                    100 * (loadCpu - idleCpu) / (rate / 1000));
            System.out.printf("e2e.counted_by_exporter %.0f%n", counted);
            System.out.printf("e2e.lost_matches %.0f   (target 0)%n", connected - counted);
            System.out.printf("e2e.ringbuf_dropped_events %.0f%n", drops);
        }
    }

    /** Connects and aborts until {@code deadline}; runs inside the client namespace. */
    private static long[] connectUntil(InetAddress address, int port, long deadline) {
        long connected = 0;
        long failed = 0;
        InetSocketAddress target = new InetSocketAddress(address, port);
        while (System.nanoTime() - deadline < 0) {
            try (Socket socket = new Socket()) {
                socket.setSoLinger(true, 0);
                socket.connect(target, 3000);
                connected++;
            } catch (IOException e) {
                failed++;
            }
        }
        return new long[] {connected, failed};
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime
    }

    private static double cpuShare(long pid, long ticksBefore, long startNanos) throws IOException {
        double cpuSeconds = (double) (cpuTicks(pid) - ticksBefore) / TICKS_PER_SECOND;
        return cpuSeconds / ((System.nanoTime() - startNanos) / 1e9);
    }
}
