package dev.tcplat.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics endpoint: client_java's scrape handler (content negotiation, name filters, gzip)
 * behind an exchange whose error path answers a bare 500. client_java's own adapter writes the
 * exception's stack trace into the response body, which would show internals to any scraper.
 */
final class ScrapeHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ScrapeHandler.class);

    private final PrometheusScrapeHandler scrape;

    ScrapeHandler(PrometheusRegistry registry) {
        this.scrape = new PrometheusScrapeHandler(registry);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (HttpExchangeAdapter adapter = new HttpExchangeAdapter(exchange) {
            @Override
            public void handleException(IOException e) {
                log.debug("scrape: {}", e.toString());
                SafeHandler.internalError(exchange);
            }

            @Override
            public void handleException(RuntimeException e) {
                log.warn("scrape failed: {}", e.toString());
                SafeHandler.internalError(exchange);
            }
        }) {
            scrape.handleRequest(adapter);
        }
    }
}
