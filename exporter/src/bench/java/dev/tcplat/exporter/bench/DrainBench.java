package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.pipeline.Drainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The drain path on the real ring: events written by the benchmark-only generator (ebpf/bench)
 * into this process' ring, read by the exporter's own {@link Drainer}, decoder, matchers and
 * per-peer histograms.
 *
 * <ul>
 *   <li>throughput: the ring pre-filled, then drained, against the C reference consumer in
 *       alternate rounds of the same run;
 *   <li>sustained: a concurrent producer at rising rates; kernel drops, native downcalls per event,
 *       drain-thread CPU and allocation per event;
 *   <li>soak (optional): RSS sampled while events flow for a long time.
 * </ul>
 *
 * usage: DrainBench BUILD_DIR [--quick] [--soak SECONDS]
 */
public final class DrainBench {
    private static final int FILL_RING_BYTES = 1 << 28;
    private static final int DEFAULT_RING_BYTES = 8 << 20;
    /** What --ringbuf.size buys: more time before a stalled drain thread loses events. */
    private static final int LARGE_RING_BYTES = 64 << 20;

    private final Ringbench ringbench;
    private final boolean quick;

    private DrainBench(Path buildDir, boolean quick) {
        this.ringbench = new Ringbench(buildDir);
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        Path buildDir = Path.of(args[0]);
        boolean quick = Arrays.asList(args).contains("--quick");
        int soak = Arrays.asList(args).indexOf("--soak");
        DrainBench bench = new DrainBench(buildDir, quick);
        if (soak >= 0) {
            bench.soak(Integer.parseInt(args[soak + 1]));
            return;
        }
        bench.throughput();
        bench.sustained(DEFAULT_RING_BYTES);
        if (!quick) {
            bench.sustained(LARGE_RING_BYTES);
        }
    }

    /** Item: drain throughput of a pre-filled ring, Java path vs the C reference consumer. */
    private void throughput() throws Exception {
        int events = quick ? 200_000 : 2_000_000;
        int rounds = quick ? 2 : 6;
        double[] java = new double[rounds];
        double[] ref = new double[rounds];
        try (Probe probe = Probe.open(FILL_RING_BYTES)) {
            Pipeline pipeline = new Pipeline();
            drainOnce(probe, pipeline, events);  // warm-up: JIT, page faults, peer series
            for (int r = 0; r < rounds; r++) {
                java[r] = drainOnce(probe, pipeline, events);
                ref[r] = ringbench.reference(events, 3).get("ref_events_per_s");
            }
            System.out.printf("drain.events_per_round %d%n", events);
            System.out.printf("drain.java_events_per_s %.0f%n", median(java));
            System.out.printf("drain.c_reference_events_per_s %.0f%n", median(ref));
            System.out.printf("drain.java_to_c_ratio %.2f   (target >= 0.5)%n", median(java) / median(ref));
            System.out.printf("drain.matched_outbound %d%n", pipeline.outbound.matched());
        }
    }

    /** Fills the ring, then times one Drainer draining it; returns events/s. */
    private double drainOnce(Probe probe, Pipeline pipeline, int events) throws Exception {
        Map<String, Double> fill = ringbench.fill(events);
        long emitted = fill.get("emitted").longValue();
        if (fill.get("dropped") > 0) {
            throw new IllegalStateException("the fill overflowed the ring: " + fill);
        }
        Drainer drainer = new Drainer(probe, pipeline.decoder, System::nanoTime, () -> { });
        long start = System.nanoTime();
        drainer.start();
        while (drainer.events() < emitted) {
            Thread.sleep(1);
        }
        long elapsed = System.nanoTime() - start;
        drainer.close();
        return emitted / (elapsed / 1e9);
    }

    /** Item: sustained rate with a concurrent producer, and what the drain costs per event. */
    private void sustained(int ringBytes) throws Exception {
        double[] rates = quick ? new double[] {500_000} : new double[] {500_000, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 8e6};
        double seconds = quick ? 1 : 4;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Probe probe = Probe.open(ringBytes)) {
            Pipeline pipeline = new Pipeline();
            CountingSource source = new CountingSource(probe);
            Drainer drainer = new Drainer(source, pipeline.decoder, System::nanoTime, () -> { });
            drainer.start();
            long tid = drainerThreadId();
            ringbench.produce(rates[0], 1);  // warm-up
            Thread.sleep(300);
            System.out.printf("sustained.ring_bytes %d%n", ringBytes);
            System.out.println("| offered events/s | produced events/s | ring drops | downcalls per event |"
                    + " Java callbacks per event | drain thread CPU | bytes allocated per event |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (double rate : rates) {
                long events0 = drainer.events();
                long calls0 = source.calls();
                long cpu0 = threads.getThreadCpuTime(tid);
                long alloc0 = threads.getThreadAllocatedBytes(tid);
                long wall0 = System.nanoTime();
                Map<String, Double> out = ringbench.produce(rate, seconds);
                long emitted = out.get("emitted").longValue();
                while (drainer.events() - events0 < emitted) {
                    Thread.sleep(1);
                }
                long wall = System.nanoTime() - wall0;
                long events = drainer.events() - events0;
                double produced = emitted / out.get("seconds");
                System.out.printf("| %.0f | %.0f | %.0f | 1/%.0f | 0 | %.0f%% | %.3f |%n", rate, produced,
                        out.get("dropped"), (double) events / (source.calls() - calls0),
                        100.0 * (threads.getThreadCpuTime(tid) - cpu0) / wall,
                        (double) (threads.getThreadAllocatedBytes(tid) - alloc0) / events);
            }
            drainer.close();
        }
    }

    /** Item: RSS over a long run with events flowing at a moderate rate. */
    private void soak(int seconds) throws Exception {
        try (Probe probe = Probe.open(DEFAULT_RING_BYTES)) {
            Pipeline pipeline = new Pipeline();
            Drainer drainer = new Drainer(probe, pipeline.decoder, System::nanoTime, () -> { });
            drainer.start();
            Thread sampler = new Thread(() -> {
                try {
                    long start = System.nanoTime();
                    while (true) {
                        System.out.printf("soak.rss_kib t=%ds %d events=%d%n", (System.nanoTime() - start) / 1_000_000_000L,
                                rssKib(), drainer.events());
                        Thread.sleep(30_000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            Map<String, Double> out = ringbench.produce(200_000, seconds);
            Thread.sleep(500);
            System.out.printf("soak.rss_kib end %d events=%d dropped=%.0f%n", rssKib(), drainer.events(),
                    out.get("dropped"));
            drainer.close();
        }
    }

    private static long rssKib() {
        List<String> status;
        try {
            status = Files.readAllLines(Path.of("/proc/self/status"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static long drainerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("tcplat-drainer"))
                .findFirst().orElseThrow().getId();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
