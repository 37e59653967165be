package dev.tcplat.exporter.web;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.TlsSettings;
import dev.tcplat.exporter.config.WebConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint: the JDK's HTTP(S) server with a landing page at {@code /}, the metrics
 * path, {@code /-/healthy} and {@code /-/ready}, TLS and basic authentication as the web
 * config says (on every path alike), and bounded connections and request times
 * ({@link ServerLimits}). Its threads are daemons, so the process' lifetime stays in Main's
 * hands.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param ready whether {@code /-/ready} answers 200
     * @throws IOException with a one-line message when the address can not be bound
     */
    public static MetricsServer start(ListenAddress address, String metricsPath, PrometheusRegistry registry,
            WebConfig web, String version, BooleanSupplier ready) throws IOException {
        ServerLimits.apply();
        InetSocketAddress socket = address.anyHost() ? new InetSocketAddress(address.port())
                : new InetSocketAddress(address.host(), address.port());
        HttpServer server;
        try {
            if (web.tls().isPresent()) {
                HttpsServer https = HttpsServer.create(socket, 0);
                https.setHttpsConfigurator(configurator(web.tls().get()));
                server = https;
            } else {
                server = HttpServer.create(socket, 0);
            }
        } catch (BindException e) {
            throw new IOException("cannot listen on " + address + ": " + e.getMessage()
                    + "; pick another --web.listen-address", e);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        Authenticator auth = web.basicAuthUsers().isEmpty() ? null : new BcryptAuthenticator(web.basicAuthUsers());
        route(server, "/", new LandingPage(metricsPath, version), web, auth);
        route(server, metricsPath, new ScrapeHandler(registry), web, auth);
        route(server, "/-/healthy", HealthHandlers.healthy(), web, auth);
        route(server, "/-/ready", HealthHandlers.ready(ready), web, auth);

        ExecutorService executor = executor();
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    /** Applies the TLS settings to every connection of the JDK's HTTPS server. */
    private static HttpsConfigurator configurator(TlsSettings tls) {
        return new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(tls.parameters());
            }
        };
    }

    private static void route(HttpServer server, String path, HttpHandler handler, WebConfig web,
            Authenticator auth) {
        HttpContext context = server.createContext(path, new SafeHandler(path, web.headers(), handler));
        if (auth != null) {
            // The JDK answers 401 before any handler runs: the configured headers (HSTS, ...)
            // are set here so that they are on those answers too.
            context.setAuthenticator(new Authenticator() {
                @Override
                public Result authenticate(HttpExchange exchange) {
                    web.headers().forEach(exchange.getResponseHeaders()::set);
                    return auth.authenticate(exchange);
                }
            });
        }
    }

    /**
     * One thread per allowed connection, started on demand and retired when idle: the JDK
     * server reads a request (and does the TLS handshake) on the executor's thread, so a client
     * that stalls holds one thread until {@link ServerLimits#MAX_REQUEST_SECONDS}, never the
     * thread a scrape needs.
     */
    private static ExecutorService executor() {
        int threads = ServerLimits.threads();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "tcplat-http");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
