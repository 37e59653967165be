package dev.tcplat.exporter.web;

import dev.tcplat.exporter.config.ListenAddress;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP endpoint: client_java's server with its landing page at {@code /}, the metrics path,
 * and {@code /-/healthy}. A small fixed pool of daemon threads serves it, so a burst of scrapes
 * queues instead of spawning threads, and the process' lifetime stays in Main's hands.
 */
public final class MetricsServer implements AutoCloseable {
    private static final int THREADS = 4;

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** @throws IOException with a one-line message when the address can not be bound */
    public static MetricsServer start(ListenAddress address, String metricsPath, PrometheusRegistry registry)
            throws IOException {
        ExecutorService executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(64), runnable -> {
                    Thread thread = new Thread(runnable, "tcplat-http");
                    thread.setDaemon(true);
                    return thread;
                });
        HTTPServer.Builder builder = HTTPServer.builder()
                .port(address.port())
                .registry(registry)
                .metricsHandlerPath(metricsPath)
                .executorService(executor);
        if (!address.anyHost()) {
            builder.hostname(address.host());
        }
        try {
            return new MetricsServer(builder.buildAndStart());
        } catch (BindException e) {
            executor.shutdownNow();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage()
                    + "; pick another --web.listen-address", e);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
