package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.MetricsConfig;
import dev.tcplat.exporter.config.WebConfig;
import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.Tuple;
import dev.tcplat.exporter.web.MetricsServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * /metrics with 10 000 peers, each with its own series and then under the default label budget: scrape time and size in the text and protobuf formats, and
 * how much event ingest (decode, match, observe on the drain thread) keeps while another thread
 * scrapes (text, gzip, as Prometheus asks) once a second and back to back, against ingest alone.
 *
 * usage: ScrapeBench [--quick]
 */
public final class ScrapeBench {
    private static final int PEERS = 10_000;
    private static final int QUICK_PEERS = 500;
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int peers = quick ? QUICK_PEERS : PEERS;
        System.out.printf("scrape.peers %d%n", peers);
        // every peer its own label set (the budget lifted), then the default budget, which folds
        // all but 250 addresses a direction into prefixes and "other"
        run("every_peer", Pipeline.EVERY_PEER, peers, quick);
        run("default_budget", MetricsConfig.DEFAULTS, peers, quick);
    }

    private static void run(String variant, MetricsConfig metrics, int peers, boolean quick) throws Exception {
        Pipeline pipeline = new Pipeline(Pipeline.DEFAULT_CAPACITY, metrics);
        Tuple tuple = new Tuple().family(4).local(0x0a00000100000000L, 0, 40000);
        for (int p = 0; p < peers; p++) {
            long hi = (0x0a000000L | p) << 32;
            pipeline.peerMetrics.onHandshake(Direction.OUTBOUND, tuple.remote(hi, 0, 443), 250_000, 250_000);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (MetricsServer server = MetricsServer.start(ListenAddress.parse("127.0.0.1:" + port), "/metrics",
                pipeline.registry, WebConfig.PLAIN, "bench", () -> true)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            HttpClient client = HttpClient.newHttpClient();
            int scrapes = quick ? 3 : 7;
            for (String format : new String[] {TEXT, PROTOBUF}) {
                String name = format == TEXT ? "text" : "protobuf";
                for (boolean gzip : new boolean[] {false, true}) {
                    double[] ms = new double[scrapes];
                    long size = 0;
                    scrape(client, uri, format, gzip);  // warm-up
                    for (int i = 0; i < scrapes; i++) {
                        long start = System.nanoTime();
                        size = scrape(client, uri, format, gzip);
                        ms[i] = (System.nanoTime() - start) / 1e6;
                    }
                    System.out.printf("scrape.%s.%s%s ms %.1f bytes %d%n", variant, name, gzip ? "_gzip" : "",
                            DrainBench.median(ms), size);
                }
            }
            // Rounds of (alone, scraped once a second, scraped back to back), so machine load that
            // comes and goes hits all three alike; medians over the rounds.
            double seconds = quick ? 1 : 4;
            int rounds = quick ? 1 : 3;
            long[] intervalsMs = {-1, 1000, 0};
            double[][] rates = new double[intervalsMs.length][rounds];
            long[] scrapesDone = new long[intervalsMs.length];
            ingest(pipeline, peers, seconds / 2, null);  // warm-up
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < intervalsMs.length; k++) {
                    long intervalMs = intervalsMs[k];
                    if (intervalMs < 0) {
                        rates[k][r] = ingest(pipeline, peers, seconds, null);
                        continue;
                    }
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicLong done = new AtomicLong();
                    Thread scraper = new Thread(() -> scrapeUntil(client, uri, intervalMs, stop, done));
                    rates[k][r] = ingest(pipeline, peers, seconds, scraper::start);
                    stop.set(true);
                    scraper.join();
                    scrapesDone[k] += done.get();
                }
            }
            double alone = DrainBench.median(rates[0]);
            System.out.printf("scrape.%s.ingest_rounds %d of %.0f s%n", variant, rounds, seconds);
            System.out.printf("scrape.%s.ingest_alone_events_per_s %.0f%n", variant, alone);
            for (int k = 1; k < intervalsMs.length; k++) {
                String how = intervalsMs[k] == 0 ? "back_to_back" : "every_" + intervalsMs[k] + "ms";
                double scraped = DrainBench.median(rates[k]);
                System.out.printf("scrape.%s.ingest_scraped_%s_events_per_s %.0f (%d text+gzip scrapes in all)%n",
                        variant, how,
                        scraped, scrapesDone[k]);
                System.out.printf("scrape.%s.ingest_ratio_%s %.2f   (target >= 0.8)%n", variant, how, scraped / alone);
            }
        }
    }

    /** Scrapes (text, gzip) every {@code intervalMs}, or back to back for 0, until stopped. */
    private static void scrapeUntil(HttpClient client, URI uri, long intervalMs, AtomicBoolean stop, AtomicLong done) {
        try {
            while (!stop.get()) {
                long next = System.nanoTime() + intervalMs * 1_000_000;
                scrape(client, uri, TEXT, true);
                done.incrementAndGet();
                while (!stop.get() && System.nanoTime() < next) {
                    Thread.sleep(5);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long scrape(HttpClient client, URI uri, String accept, boolean gzip) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", accept);
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("scrape answered " + response.statusCode());
        }
        return response.body().length;
    }

    /** Events per second through the decoder for {@code seconds}, on this thread. */
    private static double ingest(Pipeline pipeline, int peers, double seconds, Runnable atStart) {
        EventMix mix = new EventMix(peers, peers);
        ByteBuffer batch = EventMix.buffer(256);
        if (atStart != null) {
            atStart.run();
        }
        long events = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            int n = mix.fill(batch, 256);
            pipeline.decoder.decode(batch, n);
            events += n;
            now = System.nanoTime();
        } while (now < end);
        return events / ((now - start) / 1e9);
    }
}
